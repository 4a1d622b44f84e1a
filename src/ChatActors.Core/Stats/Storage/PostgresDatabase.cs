using ChatActors.Hosting;
using Npgsql;

namespace ChatActors.Stats.Storage;

/// <summary>A PostgreSQL database that holds the stats journal and the original tables, as <c>-Db postgresql://USER:PASSWORD@HOST:PORT/DATABASE</c> names it.</summary>
public sealed record PostgresDatabase(string ConnectionString, string Name)
{
    public static bool IsUrl(string db) =>
        db.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || db.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);

    /// <summary>The database a URL names; a URL without a user, a host or a database is refused with one clear line.</summary>
    public static PostgresDatabase FromUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.UserInfo.Length == 0 || uri.Host.Length == 0 || uri.AbsolutePath.Trim('/').Length == 0)
        {
            throw new ChatStartupException($"db \"{Redacted(url)}\" is not postgresql://USER:PASSWORD@HOST:PORT/DATABASE");
        }

        var userInfo = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Username = Uri.UnescapeDataString(userInfo[0]),
            Password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : null,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/')),
        };
        return new PostgresDatabase(builder.ConnectionString, $"postgresql://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}");
    }

    public NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>The URL without its password, for an error line.</summary>
    private static string Redacted(string url) =>
        System.Text.RegularExpressions.Regex.Replace(url, "(://[^:/@]*:)[^@]*@", "$1***@");
}
