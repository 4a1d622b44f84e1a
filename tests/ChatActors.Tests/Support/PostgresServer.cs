using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace ChatActors.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL server of the tests' own, from Debian's <c>postgresql</c> package
/// (.ci/run installs it): initdb into a temporary folder, a free port on 127.0.0.1, run as the
/// unprivileged user <c>nobody</c> when the tests run as root; stopped and removed at the end.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string User = "chat";
    private const string Database = "chat";
    private readonly string _bin;
    private readonly string _folder;

    private PostgresServer(string bin, string folder, string address, int port)
    {
        _bin = bin;
        _folder = folder;
        Address = address;
        Port = port;
    }

    public string Address { get; }

    public int Port { get; }

    /// <summary>What <c>-Db</c> takes.</summary>
    public string Url => $"postgresql://{User}:secret@{Address}:{Port}/{Database}";

    public string ConnectionString => $"Host={Address};Port={Port};Username={User};Database={Database};Pooling=false";

    private string DataFolder => Path.Combine(_folder, "data");

    /// <summary>The server's programs, or null where the package is not installed.</summary>
    public static string? FindBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
                .OrderByDescending(bin => bin, StringComparer.Ordinal)
                .FirstOrDefault()
            : null;

    /// <param name="address">Where it listens: this machine only by default, or a bridge that network namespaces reach.</param>
    public static async Task<PostgresServer> StartAsync(string address = "127.0.0.1")
    {
        var bin = FindBin() ?? throw new InvalidOperationException("PostgreSQL is not installed (.ci/run installs Debian's postgresql package)");
        var folder = TestFolders.Create();
        var server = new PostgresServer(bin, folder, address, NodeProcessesFreePort());
        try
        {
            if (Environment.UserName == "root")
            {
                await RunAsync("chown", "-R", "nobody", folder);
                await RunAsync("chmod", "755", Path.GetDirectoryName(folder)!);
            }

            await server.RunAsUserAsync("initdb", "-D", server.DataFolder, "-U", User, "--auth=trust", "-E", "UTF8", "--no-sync");
            // Clients of the subnets it listens on (the network namespaces' bridge) may connect too.
            await File.AppendAllTextAsync(Path.Combine(server.DataFolder, "pg_hba.conf"), "host all all samenet trust\n");
            await server.StartAgainAsync();
            await server.RunAsUserAsync("createdb", "-h", address, "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", User, Database);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the server (again, after <see cref="StopAsync"/>) and returns once it takes connections.</summary>
    public Task StartAgainAsync() => RunAsUserAsync(
        "pg_ctl", "-D", DataFolder, "-w", "-l", Path.Combine(_folder, "server.log"),
        "-o", $"-p {Port} -k {_folder} -c listen_addresses={Address} -c fsync=off", "start");

    /// <summary>Stops the server at once, as a crash or an outage would, dropping every connection.</summary>
    public Task StopAsync() => RunAsUserAsync("pg_ctl", "-D", DataFolder, "-m", "immediate", "-w", "stop");

    /// <summary>The rows of a query, each as text.</summary>
    public async Task<List<string[]>> RowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture) ?? string.Empty).ToArray());
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
        {
            await StopAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    private Task RunAsUserAsync(string program, params string[] arguments) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "nobody", "--", Path.Combine(_bin, program), .. arguments])
            : RunAsync(Path.Combine(_bin, program), arguments);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await errors}{await output}");
        }
    }

    private static int NodeProcessesFreePort() => Harness.NodeProcesses.FreeRange(1);
}
