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

dotnet build $project --configuration Release --nologo --verbosity quiet -consoleLoggerParameters:NoSummary
if ($LASTEXITCODE -ne 0) {
    Write-Host "ChatActors: the build failed"
    exit $LASTEXITCODE
}

# A relative -Db is taken from the folder run.ps1 was started in.
$dbPath = [System.IO.Path]::GetFullPath($Db, (Get-Location).Path)

dotnet $node `
    --servers $Servers `
    --algorithm $Algorithm `
    --approach $Approach `
    --capacity $Capacity `
    --db $dbPath `
    --balancer-port $BalancerPort `
    --server-port $ServerPort `
    --remote-port $RemotePort `
    --bind-host $BindHost
exit $LASTEXITCODE
