using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace CleanUser.Infrastructure.Identity;

/// <summary>
/// The signing key of the Development environment when none is configured (docs/api.md#configuration): random, made on
/// the first start and kept in the data folder beside the SQLite file, so the server and the operator verbs run from the
/// same folder (<c>dotnet run --project src/WebApi -- token 1</c>) share it, and no key is built into the code. Owner-only
/// (0600) where the file system has Unix permissions; on Windows the file inherits the folder's access rules.
/// </summary>
public static class DevelopmentSigningKey
{
    /// <summary>Where the key is kept, relative to the content root.</summary>
    public static readonly string RelativePath = Path.Combine("data", "development-signing-key");

    private const int RandomBytes = 32;

    /// <summary>The key of the data folder under <paramref name="contentRoot"/>, made first when there is none.</summary>
    public static string LoadOrCreate(string contentRoot)
    {
        var path = Path.GetFullPath(RelativePath, contentRoot);
        string key;
        try
        {
            if (!File.Exists(path))
            {
                Create(path);
            }

            key = File.ReadAllText(path).Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"The development signing key cannot be kept in {path} ({exception.Message}); set Auth:SigningKey instead.", exception);
        }

        if (Encoding.UTF8.GetByteCount(key) < AuthOptions.MinimumKeyBytes)
        {
            throw new InvalidOperationException(
                $"The development signing key in {path} is shorter than {AuthOptions.MinimumKeyBytes} bytes; delete the file and a new one is made on the next start.");
        }

        return key;
    }

    /// <summary>
    /// Writes the key to a file of its own, then moves it into place unless another process got there first (a move
    /// that does not overwrite is atomic), so every process of the folder ends up with the same key.
    /// </summary>
    private static void Create(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var draft = $"{path}.{Guid.NewGuid():N}.tmp";
        var file = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(draft, file))
            {
                stream.Write(Encoding.ASCII.GetBytes(Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes))));
            }

            File.Move(draft, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process made the key first: use theirs.
        }
        finally
        {
            File.Delete(draft);
        }
    }
}
