using System.Diagnostics;
using System.Net;
using CleanUser.Tests.Support;

namespace CleanUser.IntegrationTests.Images;

/// <summary>
/// docs/images.md#storage: a full disk under <c>Media:Root</c> is "try again later" — 503 with <c>Retry-After</c> —
/// and leaves nothing half-written: the profile as it was, no partial file. The disk is a small tmpfs the test
/// mounts and fills (root can, as in CI); where mounting is not allowed the test is skipped and says why.
/// </summary>
public sealed class StorageFullTests
{
    [SkippableFact]
    public async Task An_upload_to_a_full_disk_is_503_with_retry_after_and_leaves_the_profile_and_the_disk_as_they_were()
    {
        using var disk = SmallDisk.TryMount(out var whyNot);
        Skip.If(disk is null, $"Needs a tmpfs of its own for Media:Root, and mounting one failed here: {whyNot}");
        await using var app = TestApp.With(new TestAppOptions
        {
            Settings = new Dictionary<string, string> { ["Media:Root"] = disk.Path },
        });
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        var filler = disk.Fill();
        var upload = () => app.ClientFor(id).PatchMultipartAsync(id, [("cover", TestImages.Jpeg(1600, 900), "beach.jpg")],
            ("bio", "not without the cover"));

        var refused = await upload();

        await refused.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable");
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After says when to try again");
        Assert.Equal(before, await app.ReadUserAsync(id));
        Assert.Equal([filler], disk.Files()); // no partial image, no temporary file
        Assert.Empty(await app.OutboxAsync());

        File.Delete(filler);
        Assert.Equal(HttpStatusCode.OK, (await upload()).StatusCode); // space again: the same request goes through
    }

    /// <summary>A tmpfs of 1 MiB mounted on a folder of its own; unmounted and removed on dispose.</summary>
    private sealed class SmallDisk : IDisposable
    {
        private SmallDisk(string path) => Path = path;

        public string Path { get; }

        public static SmallDisk? TryMount(out string? whyNot)
        {
            var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cleanuser-tests", "tmpfs-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(path);
            whyNot = Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", path);
            if (whyNot is null)
            {
                return new SmallDisk(path);
            }

            Directory.Delete(path);
            return null;
        }

        /// <summary>Writes one file until the disk refuses more; returns its path.</summary>
        public string Fill()
        {
            var filler = System.IO.Path.Combine(Path, "filler.bin");
            using var stream = new FileStream(filler, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1);
            var block = new byte[4096];
            try
            {
                while (true)
                {
                    stream.Write(block);
                }
            }
            catch (IOException)
            {
                // Full.
            }

            return filler;
        }

        /// <summary>Every file on the disk, hidden ones included.</summary>
        public List<string> Files() => [.. Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories)];

        public void Dispose()
        {
            Run("umount", Path);
            Directory.Delete(Path, recursive: true);
        }

        /// <summary>Runs a command; <c>null</c> when it succeeded, else what went wrong.</summary>
        private static string? Run(string command, params string[] arguments)
        {
            try
            {
                var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
                arguments.ToList().ForEach(start.ArgumentList.Add);
                using var process = Process.Start(start)!;
                var error = process.StandardError.ReadToEnd();
                process.WaitForExit();
                return process.ExitCode == 0 ? null : $"{command} exited with {process.ExitCode}: {error.Trim()}";
            }
            catch (System.ComponentModel.Win32Exception exception)
            {
                return $"{command} could not be run: {exception.Message}";
            }
        }
    }
}
