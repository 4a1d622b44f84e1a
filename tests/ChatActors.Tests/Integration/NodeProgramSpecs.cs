using ChatActors.Harness;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ChatActors.Node;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Integration;

/// <summary>What a user sees who starts the node: one-line errors for bad parameters, a clean Ctrl+C.</summary>
public class NodeProgramSpecs
{
    private static async Task<(int ExitCode, string Output, string Errors)> RunNodeAsync(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        // A later option wins, so a test's own --db replaces the temporary one.
        var exitCode = await NodeProgram.RunAsync(["--db", TestNode.NewDatabasePath(), "--remote-port", "0", .. args], output, errors);
        return (exitCode, output.ToString(), errors.ToString());
    }

    [Theory]
    [InlineData("--servers", "0", "ChatActors: servers must be a whole number from 1 to 1000, not \"0\"")]
    [InlineData("--servers", "three", "ChatActors: servers must be a whole number from 1 to 1000, not \"three\"")]
    [InlineData("--algorithm", "random", "ChatActors: unknown algorithm \"random\"; use \"round robin\" or \"least connection\"")]
    [InlineData("--approach", "threads", "ChatActors: unknown approach \"threads\"; use \"fork\" or \"process\"")]
    [InlineData("--seed-nodes", "127.0.0.1", "ChatActors: \"127.0.0.1\" is not HOST:PORT (a running node's Akka.Remote address, e.g. 127.0.0.1:5000)")]
    [InlineData("--watch-pids", "me", "ChatActors: watch-pids must be process ids separated by commas, not \"me\"")]
    [InlineData("--capacity", "-1", "ChatActors: capacity must be a whole number from 1 to 1000000, not \"-1\"")]
    [InlineData("--bind-host", "no.such.host.invalid", "ChatActors: bind-host \"no.such.host.invalid\" does not resolve to an address")]
    [InlineData("--balancer-port", "70000", "ChatActors: balancer-port must be a whole number from 0 to 65535, not \"70000\"")]
    [InlineData("--colour", "red", "ChatActors: unknown option \"--colour\"; options: --servers, --algorithm, --approach, --capacity, --db, --balancer-port, --server-port, --remote-port, --bind-host, --advertised-host, --config, --seed-nodes, --first-server, --balancer-edge, --watch-pids, --log-file, --log-to-console, --live-view, --verbose, --import-db, --admin-port, --admin-host, --admin-port-given, --admin-token, --drained-file")]
    public async Task Invalid_parameters_get_one_line_and_a_non_zero_exit(string option, string value, string expected)
    {
        var free = new[] { "--balancer-port", "0", "--server-port", "0" };
        var (exitCode, output, errors) = await RunNodeAsync([.. free.Chunk(2).Where(pair => pair[0] != option).SelectMany(pair => pair), option, value]);

        Assert.NotEqual(0, exitCode);
        Assert.Equal(expected + Environment.NewLine, errors);
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public async Task A_port_in_use_gets_one_line_and_a_non_zero_exit()
    {
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        var port = ((IPEndPoint)squatter.LocalEndPoint!).Port;

        var (exitCode, _, errors) = await RunNodeAsync("--balancer-port", port.ToString(), "--server-port", "0");

        Assert.Equal(2, exitCode);
        Assert.Equal($"ChatActors: port {port} on 127.0.0.1 is already in use" + Environment.NewLine, errors);
    }

    [Fact]
    public async Task A_storage_db_with_other_columns_gets_one_line_naming_the_file_and_a_non_zero_exit()
    {
        var dbPath = TestNode.NewDatabasePath();
        SqliteFile.Execute(dbPath, "CREATE TABLE server (Date TEXT, Name TEXT, Rating REAL)");

        var (exitCode, _, errors) = await RunNodeAsync("--db", dbPath, "--balancer-port", "0", "--server-port", "0");

        Assert.Equal(2, exitCode);
        Assert.Equal(
            $"ChatActors: {dbPath}: table server has columns (Date, Name, Rating), expected (Date, Name, Average_Rating, Today_Count, Monthly_Count, Total_Approaches, Lost_Count)" + Environment.NewLine,
            errors);
    }

    [Fact]
    public async Task Ctrl_c_while_the_node_is_still_joining_its_cluster_stops_it_at_once()
    {
        // Nobody listens at the seed, so the node keeps trying to join (for up to 20 s).
        var seed = NodeProcesses.FreeRange(1);
        using var node = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "ChatActors.Node.dll"), "--db", TestNode.NewDatabasePath(), "--approach", "process",
                "--seed-nodes", $"127.0.0.1:{seed}", "--servers", "1", "--balancer-port", "0", "--server-port", "0", "--remote-port", "0",
                "--verbose", "on", // Akka's own "Cluster Node ..." lines show that it is joining
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        node.OutputDataReceived += (_, line) => output.Enqueue(line.Data ?? string.Empty);
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        await Eventually.HoldsAsync(() => output.Any(line => line.Contains("Cluster Node", StringComparison.Ordinal)), "the node joining", TimeSpan.FromSeconds(60));

        using (var interrupt = Process.Start("kill", $"-INT {node.Id}"))
        {
            await interrupt.WaitForExitAsync();
        }

        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, node.ExitCode);
        Assert.Contains("Stopped before the node was up.", output);
    }

    [Fact]
    public async Task Run_ps1_serves_clients_and_stops_cleanly_on_ctrl_c()
    {
        await RunScript.RestoreToolsAsync();
        var dbPath = TestNode.NewDatabasePath();
        await using var node = await NodeProcess.StartRunScriptAsync(
            Repository.Root, "-Servers", "2", "-BalancerPort", "0", "-ServerPort", "0", "-RemotePort", "0", "-Db", dbPath);
        await using (var balancer = await ChatClient.ConnectAsync(node.BalancerPort))
        {
            Assert.Matches(@"^\('127\.0\.0\.1', \d+\)$", await balancer.ReadToEndAsync());
        }

        // Its nodes get the 4 MB gen0 budget that keeps idle clients under 4 KB each (docs/BENCHMARKS.md);
        // one node alone on the machine keeps the thread pool's spinning.
        Assert.All(NodeProcesses.Find("--db", dbPath), pid =>
        {
            var environment = NodeEnvironment.Of(pid);
            Assert.Contains("DOTNET_GCgen0size=0x400000", environment);
            Assert.DoesNotContain(environment, entry => entry.StartsWith("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=", StringComparison.Ordinal));
        });
        var exitCode = await node.InterruptAsync();
        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{node.OutputText}");
        Assert.Contains("Stopped.", node.Output);
        Assert.Contains(node.Output, line => line.Contains("] Cluster: node akka.tcp://ChatActors@127.0.0.1:", StringComparison.Ordinal) && line.EndsWith(" is up (roles: storage)", StringComparison.Ordinal));
        // Akka's own INFO chatter ("Cluster Node [...] - ...") shows only with -Verbose; every line is short.
        Assert.DoesNotContain(node.Output, line => line.Contains("Cluster Node [", StringComparison.Ordinal) || line.Length > 200);
        // Nor Akka's logger of last resort, which logs the shutdown's "Remoting shut down" after the node's own logger stopped.
        Assert.DoesNotContain(node.Output, line => line.StartsWith("[INFO][", StringComparison.Ordinal));
        Assert.Throws<SocketException>(() => new TcpClient().Connect(IPAddress.Loopback, node.BalancerPort));
    }

    [Fact]
    public async Task Run_ps1_layers_a_config_file_over_the_defaults_of_every_node()
    {
        await RunScript.RestoreToolsAsync();
        var dbPath = TestNode.NewDatabasePath();
        var settings = Path.Combine(Path.GetDirectoryName(dbPath)!, "mine.conf");
        await File.WriteAllTextAsync(settings, "chat-actors.unjoined-timeout = 1s");
        await using var node = await NodeProcess.StartRunScriptAsync(
            Repository.Root, "-Servers", "1", "-BalancerPort", "0", "-ServerPort", "0", "-RemotePort", "0", "-Db", dbPath, "-Config", settings);

        await using var idle = await ChatClient.ConnectAsync(node.ServerPorts[0]);
        Assert.Equal("Server-1\nERROR no join within 1 s, closing\n", await idle.ReadToEndAsync());
        Assert.Equal(0, await node.InterruptAsync());
    }

    [Theory]
    [InlineData("-Config", "no-such.conf", "the configuration file {0}/no-such.conf does not exist")]
    [InlineData("-Algorithm", "fastest", "unknown algorithm \"fastest\"; use \"round robin\" or \"least connection\"")]
    [InlineData("-Capcity", "5", "unknown parameter -Capcity; parameters: -Servers -Algorithm -Approach -Capacity -Db -BalancerPort -ServerPort -RemotePort -BindHost -AdvertisedHost -Join -Config -ImportDb -Logs -AdminPort -AdminHost -AdminToken -Drain -NoLiveView -Verbose -RollingRestart -Help (dotnet pwsh run.ps1 -Help)")]
    [InlineData("-Db", "no-such-folder/x.db", "the folder {0}/no-such-folder of -Db no-such-folder/x.db does not exist")]
    [InlineData("-Server", "3", "unknown parameter -Server; did you mean -Servers or -ServerPort? (dotnet pwsh run.ps1 -Help)")]
    [InlineData("-ErrorAction", "Stop", "unknown parameter -ErrorAction; parameters: -Servers -Algorithm -Approach -Capacity -Db -BalancerPort -ServerPort -RemotePort -BindHost -AdvertisedHost -Join -Config -ImportDb -Logs -AdminPort -AdminHost -AdminToken -Drain -NoLiveView -Verbose -RollingRestart -Help (dotnet pwsh run.ps1 -Help)")]
    [InlineData("5", null, "\"5\" is not a parameter; each value follows its parameter's name, as in -Servers 5 (dotnet pwsh run.ps1 -Help)")]
    [InlineData("-Servers", null, "-Servers needs a value (dotnet pwsh run.ps1 -Help)")]
    public async Task Run_ps1_refuses_an_invalid_parameter_with_one_line_and_no_stack_trace(string parameter, string? value, string expected)
    {
        var (exitCode, output, errors) = await RunScript.ToEndAsync(value is null ? [parameter] : [parameter, value]);

        Assert.Equal(2, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.Equal($"ChatActors: {string.Format(expected, Repository.Root)}\n", errors);
    }

    [Theory]
    [InlineData("-?")]
    [InlineData("-h")]
    [InlineData("-Help")]
    [InlineData("--help")]
    public async Task Run_ps1_shows_its_help_with_only_the_parameters_it_takes_and_starts_nothing(string asked)
    {
        var (exitCode, help, errors) = await RunScript.ToEndAsync(asked);

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, errors);
        Assert.Contains("builds ChatActors if needed and starts its nodes", help);
        Assert.Contains("clients per server (default 100)", help);
        Assert.Contains("Server-1 listens on this port, Server-i on this + i - 1", help);
        Assert.DoesNotContain("CommonParameters", help);
        Assert.DoesNotContain("ErrorAction", help);
        Assert.DoesNotContain("Press Ctrl+C", help);
    }

    [Fact]
    public void Several_config_files_layer_in_order_under_the_options()
    {
        var folder = TestFolders.Create();
        var first = Path.Combine(folder, "first.conf");
        var second = Path.Combine(folder, "second.conf");
        File.WriteAllText(first, "chat-actors { capacity = 7, servers = 2 }");
        File.WriteAllText(second, "chat-actors.capacity = 9");

        var config = NodeProgram.ParseArguments(["--config", first, "--config", second, "--servers", "4"]);

        Assert.Equal((9, 4), (config.GetInt("chat-actors.capacity"), config.GetInt("chat-actors.servers")));
    }

    /// <summary><c>dotnet pwsh run.ps1</c> with these parameters, run to its end: its exit code, stdout and stderr.</summary>
}
