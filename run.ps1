#!/usr/bin/env pwsh
# The help text is at the end of this file: PowerShell does not find it under the #! line.
# No [CmdletBinding()]: its -Debug parameter (alias -db) would clash with -Db.
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
    [string]$BindHost = "127.0.0.1",
    [string]$AdvertisedHost = "",
    [string]$Join = "",
    [string]$Config = "",
    [switch]$NoLiveView,
    [switch]$Verbose,
    [Alias("h")]
    [switch]$Help
)

# Whatever matches no parameter above (a misspelt one, a value without its name, --help) is in $args.
$Unknown = @($args)

$ErrorActionPreference = "Stop"
$project = Join-Path $PSScriptRoot "src/ChatActors.Node/ChatActors.Node.csproj"
$node = Join-Path $PSScriptRoot "src/ChatActors.Node/bin/Release/net10.0/ChatActors.Node.dll"
$hocon = Join-Path $PSScriptRoot "hocon"

function Stop-WithError([string]$message) {
    [Console]::Error.WriteLine("ChatActors: $message")
    exit 2
}

if ($Help -or $Unknown -contains "--help") {
    Get-Help $PSCommandPath -Detailed
    exit 0
}
if ($Unknown.Count -gt 0) {
    Stop-WithError "unknown parameter $($Unknown[0]); parameters: -Servers -Algorithm -Approach -Capacity -Db -BalancerPort -ServerPort -RemotePort -BindHost -AdvertisedHost -Join -Config -NoLiveView -Verbose (dotnet pwsh run.ps1 -Help)"
}

function Read-Count([string]$name, [string]$value, [int]$min, [int]$max) {
    $number = 0
    if (-not [int]::TryParse($value, [ref]$number) -or $number -lt $min -or $number -gt $max) {
        Stop-WithError "$name must be a whole number from $min to $max, not `"$value`""
    }
    return $number
}

# Quiet when the build is up to date or succeeds; the whole build output when it fails.
$buildOutput = dotnet build $project --configuration Release --nologo --verbosity quiet 2>&1
if ($LASTEXITCODE -ne 0) {
    $buildOutput | Write-Host
    Write-Host "ChatActors: the build failed"
    exit $LASTEXITCODE
}

# A relative -Db is taken from the folder run.ps1 was started in.
$dbPath = [System.IO.Path]::GetFullPath($Db, (Get-Location).Path)
$logs = Join-Path ([System.IO.Path]::GetDirectoryName($dbPath)) "logs"

# A node cannot see a signal that kills run.ps1 (or the `dotnet pwsh` processes above it),
# so it watches them and stops by itself when one is gone.
$watched = @($PID)
$parent = (Get-Process -Id $PID).Parent
while ($parent -and $parent.CommandLine -match 'pwsh|PowerShell') {
    $watched += $parent.Id
    $parent = $parent.Parent
}

$common = @(
    "--algorithm", $Algorithm,
    "--capacity", $Capacity,
    "--db", $dbPath,
    "--balancer-port", $BalancerPort,
    "--bind-host", $BindHost,
    "--advertised-host", $AdvertisedHost,
    "--watch-pids", ($watched -join ","),
    "--verbose", $(if ($Verbose) { "on" } else { "off" })
)

$userConfig = @()
if ($Config -ne "") {
    $configPath = [System.IO.Path]::GetFullPath($Config, (Get-Location).Path)
    if (-not (Test-Path -PathType Leaf $configPath)) {
        Stop-WithError "the configuration file $configPath does not exist"
    }
    $userConfig = @("--config", $configPath)
}

# The first node started shows the live view in this terminal (when it is one).
$liveView = if ($NoLiveView) { "off" } else { "on" }

# The user's file comes last, so that it layers over the node's own file.
function Start-Node([string[]]$arguments) {
    return [System.Diagnostics.Process]::Start("dotnet", [string[]](@($node) + $common + $arguments + $userConfig))
}

# What each node was started with, so that a node that is killed can be started again.
$nodeArguments = @()

# Every node handles Ctrl+C itself (a clean shutdown that flushes storage.db and leaves
# the cluster). PowerShell stops this script at the same moment, so wait for the nodes in
# a finally block and pass node 0's exit code on.
$nodes = @()
try {
    if ($Join -ne "") {
        $nodeArguments += ,@(
            "--approach", "process", "--seed-nodes", $Join, "--servers", $Servers, "--first-server", "auto",
            "--server-port", $ServerPort, "--remote-port", $RemotePort, "--config", (Join-Path $hocon "joining-node.conf"))
    }
    elseif ($Approach -eq "process") {
        $count = Read-Count "servers" $Servers 1 1000
        $firstRemotePort = Read-Count "remote-port" $RemotePort 1 (65535 - $count)
        $firstServerPort = Read-Count "server-port" $ServerPort 0 (65535 - $count)
        $seedHost = if ($AdvertisedHost -ne "") { $AdvertisedHost } elseif ($BindHost -eq "0.0.0.0") { "127.0.0.1" } else { $BindHost }
        # Node 0 and node 1 are the seeds, so that either can come back while the other runs.
        $seeds = "${seedHost}:$firstRemotePort, ${seedHost}:$($firstRemotePort + 1)"
        $process = @("--approach", "process", "--seed-nodes", $seeds, "--config", (Join-Path $hocon "node-0.conf"))
        $nodeArguments += ,($process + @(
            "--servers", "0", "--remote-port", $firstRemotePort, "--log-file", (Join-Path $logs "node-0.log")))
        for ($i = 1; $i -le $count; $i++) {
            $port = if ($firstServerPort -eq 0) { 0 } else { $firstServerPort + $i - 1 }
            $nodeArguments += ,($process + @(
                "--servers", "1", "--first-server", ($i - 1), "--server-port", $port, "--remote-port", ($firstRemotePort + $i),
                "--log-file", (Join-Path $logs "node-$i.log"), "--log-to-console", "off"))
        }
        Write-Host "ChatActors: node 0 (balancer) and $count server nodes; their logs are in $logs"
    }
    else {
        $nodeArguments += ,@(
            "--approach", $Approach, "--servers", $Servers, "--server-port", $ServerPort, "--remote-port", $RemotePort,
            "--config", (Join-Path $hocon "node-0.conf"))
    }

    $nodeArguments[0] = $nodeArguments[0] + @("--live-view", $liveView)
    $nodes = @($nodeArguments | ForEach-Object { Start-Node $_ })

    # A node that was killed (SIGKILL: exit code 137) is started again and rejoins the
    # cluster, and so are a node that stopped by itself after it was up (exit code 3: the
    # cluster downed it, say the half that lost an even split) and a restarted node that
    # could not rejoin (up to 5 times each). Node 0 failing at its first start ends the run;
    # Ctrl+C ends it through the finally block.
    $killed = 137
    $stoppedByItself = 3
    $restarts = @{}
    $reported = @{}
    :watching while ($true) {
        Start-Sleep -Milliseconds 500
        for ($i = 0; $i -lt $nodes.Count; $i++) {
            if (-not $nodes[$i].HasExited -or $reported[$i]) {
                continue
            }
            $code = $nodes[$i].ExitCode
            $restarted = [int]$restarts[$i]
            if ($nodes.Count -gt 1 -and ($code -eq $killed -or (($code -eq $stoppedByItself -or $restarted -gt 0) -and $code -ne 0 -and $restarted -lt 5))) {
                Write-Host "ChatActors: node $i exited with code $code; starting it again"
                $restarts[$i] = $restarted + 1
                $nodes[$i] = Start-Node $nodeArguments[$i]
            }
            elseif ($i -eq 0 -and $restarted -eq 0) {
                break watching
            }
            else {
                $reported[$i] = $true
                Write-Host "ChatActors: node $i exited with code $code; see $(Join-Path $logs "node-$i.log")"
            }
        }
    }
}
finally {
    # After Ctrl+C every node has its own SIGINT already; when node 0 ended by itself,
    # the others are told here.
    foreach ($other in $nodes | Select-Object -Skip 1) {
        if (-not $other.HasExited -and -not $IsWindows) {
            & kill -INT $other.Id 2>$null
        }
    }
    foreach ($started in $nodes) {
        $started.WaitForExit()
    }
    if ($nodes.Count -gt 0) {
        exit $nodes[0].ExitCode
    }
}

<#
.SYNOPSIS
    Builds ChatActors if needed and starts its nodes; Ctrl+C stops them all cleanly.
.DESCRIPTION
    -Approach fork (default): one node holds the balancer and every server.
    -Approach process: node 0 holds the balancer edge, node i holds Server-i; each node's
    output goes to logs/node-i.log beside the database, and this window shows node 0.
    -Join HOST:PORT: one more node joins the running cluster whose node listens on
    HOST:PORT (Akka.Remote) and adds -Servers servers to it.
    Every other setting is in hocon/base.conf; -Config layers a file of your own over it.
.PARAMETER Servers
    How many chat servers to start, named Server-1, Server-2, ... (default 3).
.PARAMETER Algorithm
    How the balancer picks a server: "least connection" (default) or "round robin".
.PARAMETER Approach
    fork (default): every server is an actor in one node. process: node 0 plus one node per server.
.PARAMETER Capacity
    Clients per server (default 100); a full server answers "Server busy".
.PARAMETER Db
    The SQLite database, relative to the current folder (default storage.db); created with the original tables if missing.
.PARAMETER BalancerPort
    The balancer's port (default 12345).
.PARAMETER ServerPort
    Server i listens on this port + i (default 5010; 0: any free ports).
.PARAMETER RemotePort
    Akka.Remote port of node 0 (default 5000); node i gets this + i.
.PARAMETER BindHost
    The address every listener binds to and the balancer hands out (default 127.0.0.1).
.PARAMETER AdvertisedHost
    The address other machines reach this node at (default: BindHost).
.PARAMETER Join
    HOST:PORT of a running node: start one more node that joins its cluster.
.PARAMETER Config
    A HOCON file layered over the hocon/ defaults of every node, for any setting (the parameters above still win over it).
.PARAMETER NoLiveView
    Plain log lines in this terminal instead of the live view of counters, servers and events.
.PARAMETER Verbose
    Akka's own INFO lines too (start-up, remoting, membership details), and stack traces.
.PARAMETER Help
    Shows this help (also -h, -? and --help).
.EXAMPLE
    dotnet pwsh run.ps1
.EXAMPLE
    dotnet pwsh run.ps1 -Approach process -Servers 3
.EXAMPLE
    dotnet pwsh run.ps1 -Join 127.0.0.1:5000 -Servers 2 -ServerPort 6010 -RemotePort 5100
.EXAMPLE
    dotnet pwsh run.ps1 -Config hocon/strict.conf
#>
