using ChatActors.Hosting;
using ChatActors.Stats;
using ChatActors.Stats.Storage;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Unit;

public class StorageDatabaseSpecs
{
    private readonly string _path = TestNode.NewDatabasePath();

    [Fact]
    public void A_missing_database_is_created_with_the_original_schema()
    {
        Assert.Null(StorageDatabase.Prepare(new StorageFile(_path, TimeSpan.FromSeconds(5))));
        Assert.Equal(
            [["server", "CREATE TABLE server (Date TEXT, Name TEXT, Average_Rating REAL, Today_Count INTEGER, Monthly_Count INTEGER, Total_Approaches INTEGER, Lost_Count INTEGER)"],
             ["session", "CREATE TABLE session (Date TEXT, User TEXT, In_Time TEXT, Out_Time TEXT)"]],
            SqliteFile.Rows(_path, "SELECT name, sql FROM sqlite_master WHERE name IN ('server', 'session') ORDER BY name"));
        Assert.Equal([["wal"]], SqliteFile.Rows(_path, "PRAGMA journal_mode"));
    }

    [Fact]
    public void The_committed_storage_db_holds_the_two_original_tables_empty()
    {
        var copy = TestNode.NewDatabasePath();
        Repository.ExtractCommittedFile("storage.db", copy);
        Assert.Equal([["server"], ["session"]], SqliteFile.Rows(copy, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"));
        Assert.Equal([["0", "0"]], SqliteFile.Rows(copy, "SELECT (SELECT COUNT(*) FROM server), (SELECT COUNT(*) FROM session)"));
        Assert.Null(StorageDatabase.Prepare(new StorageFile(copy, TimeSpan.FromSeconds(5))));
    }

    [Fact]
    public void A_database_with_other_columns_is_refused_naming_the_file_and_the_mismatch()
    {
        SqliteFile.Execute(_path, "CREATE TABLE session (Date TEXT, User TEXT, Started TEXT)");
        var error = Assert.Throws<ChatStartupException>(() => StorageDatabase.Prepare(new StorageFile(_path, TimeSpan.FromSeconds(5))));
        Assert.Equal($"{_path}: table session has columns (Date, User, Started), expected (Date, User, In_Time, Out_Time)", error.Message);
    }

    [Fact]
    public void A_python_database_resumes_from_its_newest_server_row()
    {
        SqliteFile.Execute(_path, """
            CREATE TABLE server (Date TEXT, Name TEXT, Average_Rating REAL, Today_Count INTEGER, Monthly_Count INTEGER, Total_Approaches INTEGER, Lost_Count INTEGER);
            INSERT INTO server VALUES ('03 Oct 26', 'Master', 2.0, 9, 30, 100, 10);
            INSERT INTO server VALUES ('22 Nov 26', 'Master', 4.25, 5, 12, 57, 3);
            INSERT INTO server VALUES ('21 Nov 26', 'Master', 3.0, 7, 7, 50, 2);
            """);
        Assert.Equal(new StatsState(new DateOnly(2026, 11, 22), 5, 12, 57, 3, 4.25, 1), StorageDatabase.Prepare(new StorageFile(_path, TimeSpan.FromSeconds(5))));
    }
}
