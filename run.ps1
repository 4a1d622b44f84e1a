#!/usr/bin/env pwsh
# run.ps1 reads its own parameters: PowerShell's binder would take a bare value as -Servers,
# an abbreviation such as -Server as an ambiguous red error, and list common parameters
# (-ErrorAction, ...) in the help that this script does not take.
$Usage = @"
run.ps1: builds ChatActors if needed and starts its nodes; Ctrl+C (or q in the live view) stops them all cleanly.

  dotnet pwsh run.ps1 [-Parameter value ...] [-NoLiveView] [-Verbose]

  -Servers N          chat servers to start, named Server-1, Server-2, ... (default 3)
  -Algorithm A        how the balancer picks a server: "least connection" (default) or "round robin"
  -Approach A         fork (default): every server is an actor in one node;
                      process: node 0 (the balancer) plus one node per server, each an OS process
  -Capacity N         clients per server (default 100); a full server answers "Server busy"
  -Db PATH            the SQLite database, relative to the current folder (default storage.db),
                      or a PostgreSQL database: postgresql://USER:PASSWORD@HOST:PORT/DATABASE;
                      created with the original tables if missing; logs/ goes beside a SQLite file,
                      into the current folder with PostgreSQL
  -BalancerPort P     the balancer's port (default 12345)
  -ServerPort P       Server-1 listens on this port, Server-i on this + i - 1 (default 5010; 0: any free ports)
  -RemotePort P       Akka.Remote port of node 0 (default 5000); node i gets this + i
  -BindHost H         the address every listener binds to and the balancer hands out (default 127.0.0.1)
  -AdvertisedHost H   the address other machines reach this node at (default: -BindHost)
  -Join HOST:PORT     a running node's Akka.Remote address (or "HOST:PORT, HOST:PORT", every machine's):
                      start one more node that joins its cluster and adds -Servers servers to it
                      (give it its own -RemotePort and -ServerPort); the first of a list forms the
                      cluster when no other runs
  -Logs FOLDER        where the nodes' logs go (default: logs/ beside a SQLite -Db, or in the current folder)
  -AdminPort P        each node's HTTP admin port: the dashboard at /, /metrics, /health/live, /health/ready,
                      POST /drain (default 8558; -Approach process: node i gets this + i; 0: none); the
                      default port in use only costs a log line, a port given here fails the start
  -AdminHost H        the address the admin ports listen on (default 127.0.0.1)
  -AdminToken T       what POST /drain from beyond the machine must carry (Authorization: Bearer T)
  -Drain HOST:PORT    drain the node with that admin port and return: its clients are told to connect
                      again and closed over 10 s, then it leaves; the run.ps1 that started it starts it again
  -RollingRestart     drain and restart every node of the process cluster started with the same -Servers
                      and -AdminPort, one at a time (node 1 ... node N, then node 0), each once it is ready again
  -ImportDb FILE      first carry a SQLite storage.db over into the PostgreSQL -Db (once: it must be empty)
  -Config FILE        a HOCON file layered over the hocon/ defaults of every node, for any setting
                      (the parameters above still win over it)
  -NoLiveView         plain log lines in this terminal instead of the live view
  -Verbose            Akka's own INFO lines too (start-up, remoting, membership details), and stack traces
  -Help               this help (also -h, -? and --help)

  -Approach process: each node's output goes to logs/node-i.log beside the database, and this
  window shows node 0. Every other setting is in hocon/base.conf.

Examples:
  dotnet pwsh run.ps1
  dotnet pwsh run.ps1 -Approach process -Servers 3
  dotnet pwsh run.ps1 -Join 127.0.0.1:5000 -Servers 2 -ServerPort 6010 -RemotePort 5100
  dotnet pwsh run.ps1 -Config hocon/strict.conf
  dotnet pwsh run.ps1 -RollingRestart -Servers 3
"@

function Stop-WithError([string]$message) {
    [Console]::Error.WriteLine("ChatActors: $message")
    exit 2
}

$Values = [ordered]@{
    Servers = "3"; Algorithm = "least connection"; Approach = "fork"; Capacity = "100"; Db = "storage.db"
    BalancerPort = "12345"; ServerPort = "5010"; RemotePort = "5000"; BindHost = "127.0.0.1"; AdvertisedHost = ""
    Join = ""; Config = ""; ImportDb = ""; Logs = ""; AdminPort = "8558"; AdminHost = "127.0.0.1"; AdminToken = ""; Drain = ""
}
$Switches = [ordered]@{ NoLiveView = $false; Verbose = $false; RollingRestart = $false; Help = $false }
$Given = @{}
$Names = @($Values.Keys) + @($Switches.Keys)
for ($i = 0; $i -lt $args.Count; $i++) {
    $argument = "$($args[$i])"
    if ($argument -in @("-h", "-?", "--help")) {
        $Switches.Help = $true
        continue
    }
    if ($argument -notmatch '^-([A-Za-z]+)$') {
        Stop-WithError "`"$argument`" is not a parameter; each value follows its parameter's name, as in -Servers 5 (dotnet pwsh run.ps1 -Help)"
    }
    $name = $Names | Where-Object { $_ -eq $Matches[1] }
    if (-not $name) {
        $like = @($Names | Where-Object { $_ -like "$($Matches[1])*" -or $Matches[1] -like "$_*" } | ForEach-Object { "-$_" })
        $hint = if ($like.Count -gt 0) { "; did you mean $($like -join ' or ')?" } else { "; parameters: $(($Names | ForEach-Object { "-$_" }) -join ' ')" }
        Stop-WithError "unknown parameter $argument$hint (dotnet pwsh run.ps1 -Help)"
    }
    if ($Switches.Contains($name)) {
        $Switches[$name] = $true
        continue
    }
    if ($i + 1 -ge $args.Count) {
        Stop-WithError "-$name needs a value (dotnet pwsh run.ps1 -Help)"
    }
    $i++
    $Values[$name] = "$($args[$i])"
    $Given[$name] = $true
}

if ($Switches.Help) {
    Write-Host $Usage
    exit 0
}

$Servers, $Algorithm, $Approach, $Capacity, $Db = $Values.Servers, $Values.Algorithm, $Values.Approach, $Values.Capacity, $Values.Db
$BalancerPort, $ServerPort, $RemotePort, $BindHost = $Values.BalancerPort, $Values.ServerPort, $Values.RemotePort, $Values.BindHost
$AdvertisedHost, $Join, $Config, $ImportDb, $Logs = $Values.AdvertisedHost, $Values.Join, $Values.Config, $Values.ImportDb, $Values.Logs
$NoLiveView, $Verbose = $Switches.NoLiveView, $Switches.Verbose
$AdminPort, $AdminHost, $AdminToken = $Values.AdminPort, $Values.AdminHost, $Values.AdminToken

$ErrorActionPreference = "Stop"
$project = Join-Path $PSScriptRoot "src/ChatActors.Node/ChatActors.Node.csproj"
$node = Join-Path $PSScriptRoot "src/ChatActors.Node/bin/Release/net10.0/ChatActors.Node.dll"
$hocon = Join-Path $PSScriptRoot "hocon"

function Read-Count([string]$name, [string]$value, [int]$min, [int]$max) {
    $number = 0
    if (-not [int]::TryParse($value, [ref]$number) -or $number -lt $min -or $number -gt $max) {
        Stop-WithError "$name must be a whole number from $min to $max, not `"$value`""
    }
    return $number
}

# -Drain and -RollingRestart talk to running nodes through their admin ports, and start nothing.
function Send-Drain([string]$address) {
    $headers = @{}
    if ($AdminToken -ne "") {
        $headers.Authorization = "Bearer $AdminToken"
    }
    try {
        $answer = Invoke-WebRequest -Method Post -Uri "http://$address/drain" -Headers $headers -TimeoutSec 10 -SkipHttpErrorCheck
    }
    catch {
        Stop-WithError "no node answers on $address ($($_.Exception.Message))"
    }
    if ($answer.StatusCode -ne 202) {
        Stop-WithError "the node on $address refused the drain ($($answer.StatusCode)): $($answer.Content)"
    }
    Write-Host "ChatActors: node on $address $($answer.Content.Trim())"
}

function Test-Ready([string]$address) {
    try {
        return (Invoke-WebRequest -Uri "http://$address/health/ready" -TimeoutSec 2 -SkipHttpErrorCheck).StatusCode -eq 200
    }
    catch {
        return $false
    }
}

if ($Values.Drain -ne "") {
    Send-Drain $Values.Drain
    exit 0
}

if ($Switches.RollingRestart) {
    $count = Read-Count "servers" $Servers 1 1000
    $firstAdminPort = Read-Count "admin-port" $AdminPort 1 (65535 - $count)
    $adminAddress = if ($AdminHost -eq "0.0.0.0") { "127.0.0.1" } else { $AdminHost }
    foreach ($i in @(1..$count) + @(0)) {
        $address = "${adminAddress}:$($firstAdminPort + $i)"
        Send-Drain $address
        # Not ready while it drains and restarts; ready again once the new node serves.
        $deadline = (Get-Date).AddSeconds(120)
        $seenDown = $false
        while (-not ($seenDown -and (Test-Ready $address))) {
            if ((Get-Date) -gt $deadline) {
                Stop-WithError "node $i ($address) was not ready again within 120 s; is its run.ps1 still running?"
            }
            $seenDown = $seenDown -or -not (Test-Ready $address)
            Start-Sleep -Milliseconds 250
        }
        Write-Host "ChatActors: node $i is back and ready"
    }
    exit 0
}

# A PostgreSQL URL goes to the nodes as it is, and the logs go to the current folder. A
# relative -Db is taken from the folder run.ps1 was started in; its folder must exist (a
# mistyped one would otherwise be made, with logs/ in it).
if ($Db -match '^postgres(ql)?://') {
    $dbPath = $Db
    $dbFolder = (Get-Location).Path
} else {
    $dbPath = [System.IO.Path]::GetFullPath($Db, (Get-Location).Path)
    $dbFolder = [System.IO.Path]::GetDirectoryName($dbPath)
    if (-not (Test-Path -PathType Container $dbFolder)) {
        Stop-WithError "the folder $dbFolder of -Db $Db does not exist"
    }
}
$logs = if ($Logs -ne "") { [System.IO.Path]::GetFullPath($Logs, (Get-Location).Path) } else { Join-Path $dbFolder "logs" }

# Quiet when the build is up to date or succeeds; the whole build output when it fails.
$buildOutput = dotnet build $project --configuration Release --nologo --verbosity quiet 2>&1
if ($LASTEXITCODE -ne 0) {
    $buildOutput | Write-Host
    Write-Host "ChatActors: the build failed"
    exit $LASTEXITCODE
}


# -ImportDb: the SQLite file's rows go into PostgreSQL before any node starts.
if ($ImportDb -ne "") {
    & dotnet $node --db $dbPath --import-db ([System.IO.Path]::GetFullPath($ImportDb, (Get-Location).Path))
    if ($LASTEXITCODE -ne 0) {
        exit $LASTEXITCODE
    }
}

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
    "--admin-host", $AdminHost,
    "--admin-token", $AdminToken,
    "--admin-port-given", $(if ($Given.AdminPort) { "on" } else { "off" }),
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
$viewShown = $liveView -eq "on" -and -not [Console]::IsOutputRedirected

# While the live view holds the terminal, a line printed here would be drawn over it: what
# this script has to say then goes to logs/run.log (the view shows the node going and coming).
function Write-Notice([string]$text) {
    if ($viewShown) {
        New-Item -ItemType Directory -Force -Path $logs | Out-Null
        Add-Content -Path (Join-Path $logs "run.log") -Value "$(Get-Date -Format HH:mm:ss) $text"
    }
    else {
        Write-Host $text
    }
}

# A gen0 budget of 4 MB for every node, unless the environment has one: with the GC's own
# budget (sized from the CPU's cache) an idle node's memory per client depended on how full
# gen0 happened to be, 3.1 to 4.8 KB; with 4 MB it stayed under 4 KB (docs/BENCHMARKS.md,
# idle memory). The GC reads this setting from the environment only, not runtimeconfig.json.
if (-not $env:DOTNET_GCgen0size) {
    $env:DOTNET_GCgen0size = "0x400000"
}

# A process cluster puts several nodes on the machine's cores: a thread pool thread that spins
# before it sleeps takes a core another node needs (docs/BENCHMARKS.md, seventh session).
if ($Approach -eq "process" -and -not $env:DOTNET_ThreadPool_UnfairSemaphoreSpinLimit) {
    $env:DOTNET_ThreadPool_UnfairSemaphoreSpinLimit = "0"
}

# The user's file comes last, so that it layers over the node's own file.
function Start-Node([string[]]$arguments) {
    return [System.Diagnostics.Process]::Start("dotnet", [string[]](@($node) + $common + $arguments + $userConfig))
}

# What each node was started with, so that a node that is killed can be started again.
$nodeArguments = @()
# A process cluster's node 0 gets only itself as seed node at its first start (below).
$node0Seeds, $node0FirstSeeds = "", ""

# Every node handles Ctrl+C itself (a clean shutdown that flushes storage.db and leaves
# the cluster). PowerShell stops this script at the same moment, so wait for the nodes in
# a finally block and pass node 0's exit code on.
$nodes = @()
try {
    if ($Join -ne "") {
        $nodeArguments += ,@(
            "--approach", "process", "--seed-nodes", $Join, "--servers", $Servers, "--first-server", "auto",
            "--server-port", $ServerPort, "--remote-port", $RemotePort, "--admin-port", $AdminPort,
            "--config", (Join-Path $hocon "joining-node.conf"))
    }
    elseif ($Approach -eq "process") {
        $count = Read-Count "servers" $Servers 1 1000
        $firstRemotePort = Read-Count "remote-port" $RemotePort 1 (65535 - $count)
        $firstServerPort = Read-Count "server-port" $ServerPort 0 (65535 - $count)
        $firstAdminPort = Read-Count "admin-port" $AdminPort 0 (65535 - $count)
        $seedHost = if ($AdvertisedHost -ne "") { $AdvertisedHost } elseif ($BindHost -eq "0.0.0.0") { "127.0.0.1" } else { $BindHost }
        # Every node is a seed, node 0 first. Only node 0 may form a cluster, and only when no
        # other node answers; any node that starts again, node 0 too, joins the cluster that
        # runs, whichever nodes died (docs/CLUSTER.md).
        $seeds = (0..$count | ForEach-Object { "${seedHost}:$($firstRemotePort + $_)" }) -join ", "
        # At this first start the other nodes are still starting, and node 0 alone can form the
        # cluster: asking them first would only wait for their refused connections (and log each).
        $node0Seeds, $node0FirstSeeds = $seeds, "${seedHost}:$firstRemotePort"
        $process = @("--approach", "process", "--seed-nodes", $seeds, "--config", (Join-Path $hocon "node-0.conf"))
        $nodeArguments += ,($process + @(
            "--servers", "0", "--remote-port", $firstRemotePort, "--admin-port", $firstAdminPort, "--log-file", (Join-Path $logs "node-0.log")))
        for ($i = 1; $i -le $count; $i++) {
            $port = if ($firstServerPort -eq 0) { 0 } else { $firstServerPort + $i - 1 }
            $nodeArguments += ,($process + @(
                "--servers", "1", "--first-server", ($i - 1), "--server-port", $port, "--remote-port", ($firstRemotePort + $i),
                "--admin-port", $(if ($firstAdminPort -eq 0) { 0 } else { $firstAdminPort + $i }),
                "--log-file", (Join-Path $logs "node-$i.log"), "--log-to-console", "off"))
        }
        Write-Host "ChatActors: node 0 (balancer) and $count server nodes; their logs are in $logs"
    }
    else {
        $nodeArguments += ,@(
            "--approach", $Approach, "--servers", $Servers, "--server-port", $ServerPort, "--remote-port", $RemotePort,
            "--admin-port", $AdminPort, "--config", (Join-Path $hocon "node-0.conf"))
    }

    $nodeArguments[0] = $nodeArguments[0] + @("--live-view", $liveView)
    # A drained node leaves this mark before it exits (code 0, as after Ctrl+C): it is started again.
    New-Item -ItemType Directory -Force -Path $logs | Out-Null
    for ($i = 0; $i -lt $nodeArguments.Count; $i++) {
        Remove-Item -ErrorAction Ignore (Join-Path $logs "node-$i.drained")
        $nodeArguments[$i] = $nodeArguments[$i] + @("--drained-file", (Join-Path $logs "node-$i.drained"))
    }
    $firstStart = @($nodeArguments)
    if ($node0FirstSeeds -ne "") {
        $firstStart[0] = @($nodeArguments[0] | ForEach-Object { if ($_ -eq $node0Seeds) { $node0FirstSeeds } else { $_ } })
    }
    $nodes = @($firstStart | ForEach-Object { Start-Node $_ })

    # A node that was killed (SIGKILL: exit code 137) is started again and rejoins the
    # cluster, and so are a node that stopped by itself after it was up (exit code 3: the
    # cluster downed it, say the half that lost an even split) and a restarted node that
    # could not rejoin (up to 5 times each). A drained node (exit code 0 while this script
    # runs: -Drain, -RollingRestart, POST /drain, SIGTERM) is started again too, as often as
    # it is drained. Node 0 failing at its first start ends the run; Ctrl+C ends it through
    # the finally block.
    $killed = 137
    $stoppedByItself = 3
    $restarts = @{}
    $reported = @{}
    :watching while ($true) {
        # Not Start-Sleep: each call of the cmdlet cost this script 1.5 % of a core while the
        # nodes sat idle (docs/BENCHMARKS.md); Ctrl+C still stops the script within the 500 ms.
        [System.Threading.Thread]::Sleep(500)
        for ($i = 0; $i -lt $nodes.Count; $i++) {
            if (-not $nodes[$i].HasExited -or $reported[$i]) {
                continue
            }
            $code = $nodes[$i].ExitCode
            $restarted = [int]$restarts[$i]
            # One node alone is started again only when it belongs to a larger cluster: it joined
            # one (-Join), or the cluster downed it (on another machine's side of a split).
            $inCluster = $nodes.Count -gt 1 -or $Join -ne "" -or $code -eq $stoppedByItself -or $restarted -gt 0
            $drained = Join-Path $logs "node-$i.drained"
            if ($code -eq 0 -and (Test-Path $drained)) {
                Remove-Item $drained
                Write-Notice "ChatActors: node $i was drained; starting it again"
                $nodes[$i] = Start-Node $nodeArguments[$i]
            }
            elseif ($inCluster -and ($code -eq $killed -or (($code -eq $stoppedByItself -or $restarted -gt 0) -and $restarted -lt 5))) {
                Write-Notice "ChatActors: node $i exited with code $code; starting it again"
                $restarts[$i] = $restarted + 1
                $nodes[$i] = Start-Node $nodeArguments[$i]
            }
            elseif ($i -eq 0 -and $restarted -eq 0) {
                break watching
            }
            else {
                $reported[$i] = $true
                Write-Notice "ChatActors: node $i exited with code $code; see $(Join-Path $logs "node-$i.log")"
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
