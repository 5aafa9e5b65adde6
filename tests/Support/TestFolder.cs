namespace CleanUser.Tests.Support;

/// <summary>
/// What one or more instances of the service keep between requests: a temporary folder holding the media root and,
/// on SQLite, the database file — or, when <c>CLEANUSER_TEST_POSTGRES</c> is set, a fresh PostgreSQL database of its
/// own (<see cref="TestDatabase"/>). Two <see cref="TestApp"/>s over one folder are two instances of the service over
/// one database and one storage.
/// </summary>
public sealed class TestFolder : IDisposable
{
    private TestFolder(string path, bool sqliteOnly)
    {
        Path = path;
        Directory.CreateDirectory(MediaRoot);
        Database = sqliteOnly ? TestDatabase.Sqlite(DatabasePath) : TestDatabase.Create(DatabasePath);
    }

    public string Path { get; }

    /// <summary>Where the SQLite file is, when the database is SQLite.</summary>
    public string DatabasePath => System.IO.Path.Combine(Path, "cleanuser.db");

    public TestDatabase Database { get; }

    public string MediaRoot => System.IO.Path.Combine(Path, "media");

    /// <param name="sqliteOnly">SQLite whatever the run: for tests about the SQLite file itself.</param>
    public static TestFolder Create(bool sqliteOnly = false) =>
        new(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cleanuser-tests", Guid.NewGuid().ToString("N")), sqliteOnly);

    /// <summary>The stored media, as keys (<c>avatars/…jpg</c>), temporary files excluded.</summary>
    public SortedSet<string> MediaFiles() =>
        new(Directory.EnumerateFiles(MediaRoot, "*", SearchOption.AllDirectories)
            .Select(f => System.IO.Path.GetRelativePath(MediaRoot, f).Replace('\\', '/'))
            .Where(f => !System.IO.Path.GetFileName(f).StartsWith('.')), StringComparer.Ordinal);

    /// <summary>The file of the media key <paramref name="key"/> (<c>avatars/….jpg</c>).</summary>
    public string MediaPath(string key) => System.IO.Path.Combine(MediaRoot, key);

    public void Dispose()
    {
        Database.Dispose();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
    }
}
