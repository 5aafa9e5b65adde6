using CleanUser.Application.Audit;
using CleanUser.Application.Common.Security;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Users.Events;
using CleanUser.FunctionalTests.Hosting;
using CleanUser.Infrastructure.Audit;
using CleanUser.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CleanUser.FunctionalTests.Audit;

/// <summary>
/// <c>Audit:RetentionDays</c> (docs/operations.md#configuration): entries older than that are deleted in the background,
/// <c>0</c> keeps them forever, a negative number stops the service. Each test runs an app of its own on a clock it moves.
/// </summary>
public sealed class AuditRetentionTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private TestApp? _app;

    public void Dispose() => _app?.Dispose();

    private TestApp App(params (string Key, string Value)[] settings) => _app = TestApp.With(new TestAppOptions
    {
        // The dispatcher waits on the app's clock, which only the test moves.
        Outbox = false,
        Settings = settings.ToDictionary(s => s.Key, s => s.Value),
        Services = services => services.AddSingleton<TimeProvider>(_clock),
    });

    private static async Task ChangeBioAsync(TestApp app, long id, string bio) =>
        await app.SendAsync(new PatchUserCommand(id, ProfilePatch.Of(("bio", bio))), Caller.System);

    private static Task<List<AuditEntry>> EntriesAsync(TestApp app, long id) =>
        app.QueryAsync(db => db.Set<AuditEntry>().AsNoTracking().Where(e => e.UserId == id).OrderBy(e => e.Id).ToListAsync());

    [Fact]
    public async Task An_entry_older_than_the_retention_is_deleted_in_the_background_and_a_newer_one_stays()
    {
        var app = App();
        var id = await app.CreateUserAsync();
        await ChangeBioAsync(app, id, "a year ago");

        _clock.Advance(TimeSpan.FromDays(new AuditOptions().RetentionDays) + TimeSpan.FromHours(1));
        await ChangeBioAsync(app, id, "today");

        // An hour more each time it looks, so the sweep's wait ends whenever it began.
        await Eventually.TrueAsync(async () =>
        {
            _clock.Advance(AuditRetention.SweepInterval);
            return (await EntriesAsync(app, id)).Count == 1;
        }, "the old entry is deleted");
        var kept = Assert.Single(await EntriesAsync(app, id));
        Assert.Equal([new FieldChange("bio", "a year ago", "today")], kept.Changes);
    }

    [Fact]
    public async Task A_backlog_larger_than_a_batch_is_deleted_in_batches_and_nothing_newer_goes()
    {
        var app = App(("Audit:RetentionDays", "30"));
        var id = await app.CreateUserAsync();
        // The sweep at start has run (and found nothing); the next one waits for the clock, which stays put.
        await Eventually.TrueAsync(() => app.Log.Lines.Any(l => l.Category == typeof(AuditRetention).FullName),
            "the first sweep is done");
        var old = AuditRetention.BatchSize * 2 + 7;
        await app.QueryAsync(db =>
        {
            var origin = new ChangeOrigin(new CurrentCaller());
            db.AddRange(Enumerable.Range(0, old).Select(i =>
                AuditEntry.For(new UserUpdated(id, [new FieldChange("bio", $"{i}", $"{i + 1}")], _clock.GetUtcNow().AddDays(-31)), origin)));
            return db.SaveChangesAsync();
        });
        await ChangeBioAsync(app, id, "recent");

        var deleted = await app.Services.GetRequiredService<AuditRetention>().PruneAsync(CancellationToken.None);

        Assert.Equal(old, deleted);
        var kept = Assert.Single(await EntriesAsync(app, id));
        Assert.Equal([new FieldChange("bio", "", "recent")], kept.Changes);
    }

    [Fact]
    public async Task With_retention_0_entries_are_kept_forever()
    {
        var app = App(("Audit:RetentionDays", "0"));
        var id = await app.CreateUserAsync();
        await ChangeBioAsync(app, id, "long ago");

        _clock.Advance(TimeSpan.FromDays(3650));

        Assert.Equal(0, await app.Services.GetRequiredService<AuditRetention>().PruneAsync(CancellationToken.None));
        Assert.Single(await EntriesAsync(app, id));
    }

    [Fact]
    public async Task A_negative_retention_stops_the_service_before_it_listens_naming_the_key()
    {
        using var process = new AppProcess();
        var settings = new Dictionary<string, string?>
        {
            ["Database__Provider"] = "Sqlite",
            ["ConnectionStrings__Default"] = $"Data Source={Path.Combine(process.Folder, "cleanuser.db")}",
            ["Media__Root"] = Path.Combine(process.Folder, "media"),
            ["Audit__RetentionDays"] = "-1",
        };

        var run = await process.RunAsync(settings, "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("CleanUser cannot start: Audit:RetentionDays must be 0 (keep forever) or a number of days, not -1.",
            Assert.Single(run.ErrorLines));
    }
}
