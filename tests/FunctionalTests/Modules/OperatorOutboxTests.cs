using System.Globalization;
using CleanUser.Tests.Support;
using CleanUser.WebApi.Cli;

namespace CleanUser.FunctionalTests.Modules;

/// <summary>A one-off verb has no dispatcher running beside it, so it delivers its own change's events before it exits.</summary>
public sealed class OperatorOutboxTests : IDisposable
{
    private readonly TestApp _app = TestApp.With(new TestAppOptions { Outbox = false });

    [Fact]
    public async Task Removing_an_avatar_with_the_verb_deletes_the_replaced_file_before_it_returns()
    {
        var key = $"avatars/{new string('a', 64)}.jpg";
        var file = Path.Combine(_app.MediaRoot, key);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, [0xFF, 0xD8, 0xFF]);
        var id = await _app.CreateUserAsync(new UserBuilder().With(u => u.ChangeAvatar(key, DateTimeOffset.UtcNow)));

        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await OperatorCommands.RunAsync(_app.Services,
            ["user", "patch", id.ToString(CultureInfo.InvariantCulture), "--avatar="], output, error);

        Assert.Equal(0, exitCode);
        Assert.Null((await _app.ReadUserAsync(id)).Avatar);
        Assert.False(File.Exists(file));
        var rows = await _app.OutboxAsync();
        Assert.All(rows, row => Assert.NotNull(row.ProcessedAt));
        Assert.NotEmpty(rows);
    }

    public void Dispose() => _app.Dispose();
}
