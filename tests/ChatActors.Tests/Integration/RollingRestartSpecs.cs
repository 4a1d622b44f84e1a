using System.Globalization;
using System.Net.Http.Json;
using ChatActors.Client;
using ChatActors.Tests.Support;
using ProjectClient = ChatActors.Client.ChatClient;

namespace ChatActors.Tests.Integration;

/// <summary>Every node of a process cluster drained and started again, one at a time, by one command, while people chat.</summary>
public sealed class RollingRestartSpecs
{
    private const int Clients = 240;
    private static readonly TimeSpan BackWithin = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_rolling_restart_under_chatting_clients_loses_no_count_and_each_client_is_back_within_15_s()
    {
        var dbPath = TestNode.NewDatabasePath();
        var (balancerPort, remotePort, adminPort) = (NodeProcesses.FreeRange(1), NodeProcesses.FreeRange(4), NodeProcesses.FreeRange(4));
        string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
        await using var cluster = await NodeProcess.StartRunScriptAsync(
            Repository.Root,
            "-Approach", "process", "-Servers", "3", "-Db", dbPath, "-NoLiveView", "-BalancerPort", Port(balancerPort), "-ServerPort", "0",
            "-RemotePort", Port(remotePort), "-AdminPort", Port(adminPort), "-Capacity", "200");
        using var http = new HttpClient();
        using var leave = new CancellationTokenSource();
        try
        {
            await Eventually.HoldsAsync(
                async () => (await Task.WhenAll(Enumerable.Range(0, 4).Select(node => IsReadyAsync(http, adminPort + node)))).All(ready => ready),
                "every node ready",
                TimeSpan.FromSeconds(60));

            var people = Enumerable.Range(0, Clients).Select(i => new ChattingConsole($"person{i}", TimeSpan.FromSeconds(2), leave.Token)).ToList();
            var chats = people.Select((person, i) => Task.Run(() =>
                new ProjectClient(new ClientOptions("127.0.0.1", balancerPort, $"person{i}", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)), person).RunAsync())).ToList();
            await Eventually.HoldsAsync(async () => (await ViewAsync(http, adminPort)).Stats?.Online == Clients, "everyone online", TimeSpan.FromSeconds(60));

            var (exitCode, output, errors) = await RunScript.ToEndAsync(TimeSpan.FromMinutes(4), "-RollingRestart", "-Servers", "3", "-AdminPort", Port(adminPort));
            Assert.True(exitCode == 0, $"run.ps1 -RollingRestart ended with {exitCode}:\n{output}{errors}");
            Assert.Equal(4, output.Split('\n').Count(line => line.EndsWith("is back and ready", StringComparison.Ordinal)));

            await leave.CancelAsync();
            var results = await Task.WhenAll(chats);
            var endedBadly = people.Where((person, i) => results[i] != ProjectClient.LeftTheChat || person.Errors.Count > 0).ToList();
            Assert.True(endedBadly.Count == 0, endedBadly.Count == 0 ? "" : $"{endedBadly.Count} of {Clients} clients ended badly, {endedBadly[0].Name} so:\n"
                + string.Join("\n", endedBadly[0].Statuses.TakeLast(12).Concat(endedBadly[0].Errors).Concat(NodeNews(dbPath))));
            // The clients of the three server nodes were each closed once or more, and each was back within 15 s.
            Assert.InRange(people.Count(person => person.Outages.Count > 0), Clients / 2, Clients);
            Assert.All(people.SelectMany(person => person.Outages), outage => Assert.InRange(outage, TimeSpan.Zero, BackWithin));

            // Nothing counted was lost: every join a client saw is in the counters, and no other.
            var joinsSeen = people.Sum(person => person.Joins);
            await Eventually.HoldsAsync(async () => (await ViewAsync(http, adminPort)).Stats?.TodayCount == joinsSeen, $"{joinsSeen} joins counted", TimeSpan.FromSeconds(30));
        }
        finally
        {
            await leave.CancelAsync();
            cluster.Kill();
            NodeProcesses.Find("--db", dbPath).ForEach(pid => { try { System.Diagnostics.Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } });
        }
    }

    /// <summary>The last 40 lines each node logged beyond its joins and leaves: where a failure is explained.</summary>
    private static IEnumerable<string> NodeNews(string dbPath) =>
        Enumerable.Range(0, 4).SelectMany(node => File.ReadLines(Path.Combine(Path.GetDirectoryName(dbPath)!, "logs", $"node-{node}.log"))
            .Where(line => !line.Contains(" joined Server-", StringComparison.Ordinal) && !line.Contains(" left Server-", StringComparison.Ordinal))
            .TakeLast(40)
            .Prepend($"--- node {node}"));

    private static async Task<bool> IsReadyAsync(HttpClient http, int adminPort)
    {
        try
        {
            return (await http.GetAsync($"http://127.0.0.1:{adminPort}/health/ready")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task<Admin.DashboardView> ViewAsync(HttpClient http, int adminPort) =>
        (await http.GetFromJsonAsync<Admin.DashboardView>($"http://127.0.0.1:{adminPort}/api/view", new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)))!;
}
