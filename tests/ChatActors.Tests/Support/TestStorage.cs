using Microsoft.Data.Sqlite;
using Npgsql;

namespace ChatActors.Tests.Support;

/// <summary>
/// Where a spec's node keeps its counts: a new storage.db, or a throwaway PostgreSQL of the
/// spec's own. The README's promises about the counts hold on both, so their specs run on both.
/// SQL given here quotes its column names ("User"), which both databases read the same.
/// </summary>
public abstract class TestStorage : IAsyncDisposable
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgresql";

    /// <summary>What <c>-Db</c> takes: a storage.db path or a postgresql:// URL.</summary>
    public abstract string Db { get; }

    /// <summary>A folder of the spec's own, for a node process's configuration and working folder.</summary>
    public string Folder { get; } = TestFolders.Create();

    public static async Task<TestStorage> StartAsync(string kind) => kind switch
    {
        Sqlite => new SqliteStorage(),
        Postgres => new PostgresStorage(await PostgresServer.StartAsync()),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "sqlite or postgresql"),
    };

    public abstract Task<List<string[]>> RowsAsync(string sql);

    public async Task ExecuteAsync(string sql) => await RowsAsync(sql);

    /// <summary>Another program holds the journal for writing: no count is journaled until the hold is disposed.</summary>
    public abstract Task<IAsyncDisposable> HoldJournalAsync();

    public virtual ValueTask DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private sealed class SqliteStorage : TestStorage
    {
        public override string Db => Path.Combine(Folder, "storage.db");

        public override Task<List<string[]>> RowsAsync(string sql) => Task.FromResult(SqliteFile.Rows(Db, sql));

        public override Task<IAsyncDisposable> HoldJournalAsync()
        {
            var holder = new SqliteConnection($"Data Source={Db};Pooling=False");
            holder.Open();
            return Task.FromResult<IAsyncDisposable>(new Hold(holder, holder.BeginTransaction(deferred: false)));
        }
    }

    private sealed class PostgresStorage(PostgresServer server) : TestStorage
    {
        public override string Db => server.Url;

        public override Task<List<string[]>> RowsAsync(string sql) => server.RowsAsync(sql);

        public override async Task<IAsyncDisposable> HoldJournalAsync()
        {
            var holder = new NpgsqlConnection(server.ConnectionString);
            await holder.OpenAsync();
            var transaction = await holder.BeginTransactionAsync();
            await using (var command = new NpgsqlCommand("LOCK TABLE journal IN EXCLUSIVE MODE", holder, transaction))
            {
                await command.ExecuteNonQueryAsync();
            }

            return new Hold(holder, transaction);
        }

        public override async ValueTask DisposeAsync()
        {
            await server.DisposeAsync();
            await base.DisposeAsync();
        }
    }

    /// <summary>A transaction of another program, open on the journal until disposed.</summary>
    private sealed class Hold(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
