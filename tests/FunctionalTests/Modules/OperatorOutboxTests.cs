using System.Globalization;
using CleanUser.FunctionalTests.Infrastructure;
using CleanUser.Infrastructure.Persistence;
using CleanUser.WebApi.Cli;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Modules;

/// <summary>A one-off verb has no dispatcher running beside it, so it delivers its own change's events before it exits.</summary>
public sealed class OperatorOutboxTests : IDisposable
{
    private readonly NoDispatcherFactory _factory = new();

    private sealed class NoDispatcherFactory : CleanUserFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Outbox:Enabled", "false");
        }
    }

    [Fact]
    public async Task Removing_an_avatar_with_the_verb_deletes_the_replaced_file_before_it_returns()
    {
        var key = $"avatars/{new string('a', 64)}.jpg";
        var file = Path.Combine(_factory.MediaRoot, key);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, [0xFF, 0xD8, 0xFF]);
        var id = await _factory.CreateUserAsync(shape: u => u.ChangeAvatar(key, DateTimeOffset.UtcNow));

        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await OperatorCommands.RunAsync(_factory.Services,
            ["user", "patch", id.ToString(CultureInfo.InvariantCulture), "--avatar="], output, error);

        Assert.Equal(0, exitCode);
        Assert.Null((await _factory.ReadUserAsync(id)).Avatar);
        Assert.False(File.Exists(file));
        await using var scope = _factory.Services.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<CleanUserDbContext>().OutboxMessages.AsNoTracking().ToListAsync();
        Assert.All(rows, row => Assert.NotNull(row.ProcessedAt));
        Assert.NotEmpty(rows);
    }

    public void Dispose() => _factory.Dispose();
}
