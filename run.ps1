#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds ChatActors if needed and starts a node; Ctrl+C stops it cleanly.
.EXAMPLE
    dotnet pwsh run.ps1
    dotnet pwsh run.ps1 -Servers 5 -Algorithm "round robin" -Capacity 20
#>
param(
    # Parameters are passed on as text: the node checks them all in one place and
    # answers a bad value with a one-line error.
    [string]$Servers = "3",
    [string]$Algorithm = "least connection",
    [string]$Approach = "fork",
    [string]$Capacity = "100",
    [string]$Db = "storage.db",
    [string]$BalancerPort = "12345",
    [string]$ServerPort = "5010",
    [string]$RemotePort = "5000",
    [string]$BindHost = "127.0.0.1"
)

$ErrorActionPreference = "Stop"
$project = Join-Path $PSScriptRoot "src/ChatActors.Node/ChatActors.Node.csproj"
$node = Join-Path $PSScriptRoot "src/ChatActors.Node/bin/Release/net10.0/ChatActors.Node.dll"

# Quiet when the build is up to date or succeeds; the whole build output when it fails.
$buildOutput = dotnet build $project --configuration Release --nologo --verbosity quiet 2>&1
if ($LASTEXITCODE -ne 0) {
    $buildOutput | Write-Host
    Write-Host "ChatActors: the build failed"
    exit $LASTEXITCODE
}

# A relative -Db is taken from the folder run.ps1 was started in.
$dbPath = [System.IO.Path]::GetFullPath($Db, (Get-Location).Path)

# The node handles Ctrl+C itself (a clean shutdown that flushes storage.db). PowerShell
# would stop this script at the same moment, so wait for the node in a finally block and
# pass its exit code on.
$nodeArguments = @(
    $node,
    "--servers", $Servers,
    "--algorithm", $Algorithm,
    "--approach", $Approach,
    "--capacity", $Capacity,
    "--db", $dbPath,
    "--balancer-port", $BalancerPort,
    "--server-port", $ServerPort,
    "--remote-port", $RemotePort,
    "--bind-host", $BindHost,
    "--config", (Join-Path $PSScriptRoot "hocon/node-0.conf")
)
$process = [System.Diagnostics.Process]::Start("dotnet", [string[]]$nodeArguments)
try {
    $process.WaitForExit()
}
finally {
    $process.WaitForExit()
    exit $process.ExitCode
}
