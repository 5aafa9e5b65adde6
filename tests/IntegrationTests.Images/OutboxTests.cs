using System.Net;
using System.Text.Json;
using CleanUser.Application.Common.Messaging;
using CleanUser.Domain.Users.Events;
using CleanUser.Infrastructure.Outbox;
using CleanUser.Infrastructure.Persistence;
using CleanUser.Tests.Support;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.IntegrationTests.Images;

/// <summary>
/// Issue 3, acceptance 5 and 6: the order of effects around the transaction, and the transactional outbox —
/// one row per event in the change's transaction, delivered after commit by this or another instance, retried.
/// </summary>
public class OutboxTests
{
    private static readonly string AvatarChanged = typeof(UserAvatarChanged).FullName!;

    /// <summary>An instance whose dispatcher does not run, so what is written stays pending.</summary>
    private static readonly TestAppOptions NoDispatcher = new() { Outbox = false };

    /// <summary>An instance that also delivers avatar changes to <paramref name="handler"/>.</summary>
    private static TestAppOptions Delivering(INotificationHandler<DomainEventNotification<UserAvatarChanged>> handler) =>
        new() { Services = services => services.AddSingleton(handler) };

    [Fact]
    public async Task A_changed_avatar_writes_exactly_one_outbox_row_with_the_change()
    {
        using var folder = TestFolder.Create();
        await using var host = TestApp.Over(folder, NoDispatcher);
        var id = await host.CreateUserAsync();

        var key = await UploadAvatarAsync(host, id, TestImages.Jpeg(120, 120));

        var row = Assert.Single(await AvatarRowsAsync(host));
        Assert.Equal(AvatarChanged, row.Type);
        Assert.Equal((0, null, null), (row.Attempts, row.ProcessedAt, row.LastError));
        var domainEvent = Assert.IsType<UserAvatarChanged>(OutboxEventTypes.Deserialize(row.Type, row.Payload));
        Assert.Equal((id, null, key), (domainEvent.UserId, domainEvent.OldAvatar, domainEvent.NewAvatar));
    }

    [Fact]
    public async Task An_unchanged_avatar_raises_nothing_and_writes_nothing()
    {
        using var folder = TestFolder.Create();
        await using var host = TestApp.Over(folder, NoDispatcher);
        var id = await host.CreateUserAsync();
        var picture = TestImages.Png(150, 150);
        await UploadAvatarAsync(host, id, picture);
        var version = (await host.ReadUserAsync(id)).Version;
        var rows = (await host.OutboxAsync()).Count;

        await UploadAvatarAsync(host, id, picture);

        Assert.Equal(rows, (await host.OutboxAsync()).Count);
        Assert.Equal(version, (await host.ReadUserAsync(id)).Version);
    }

    [Fact]
    public async Task The_dispatcher_delivers_the_event_and_the_replaced_file_disappears()
    {
        using var folder = TestFolder.Create();
        await using var host = TestApp.Over(folder);
        var id = await host.CreateUserAsync();
        var first = await UploadAvatarAsync(host, id, TestImages.Jpeg(130, 130));

        var second = await UploadAvatarAsync(host, id, TestImages.Jpeg(140, 140));

        await Eventually.TrueAsync(() => !File.Exists(folder.MediaPath(first)), "the replaced avatar is deleted");
        await Eventually.TrueAsync(async () => (await host.OutboxAsync()).All(m => m.ProcessedAt is not null), "every row is processed");
        Assert.True(File.Exists(folder.MediaPath(second)));
        Assert.All(await host.OutboxAsync(), m => Assert.Equal((1, null, null), (m.Attempts, m.LockedBy, m.LockedUntil)));
    }

    [Fact]
    public async Task The_same_picture_on_two_profiles_is_two_files_and_replacing_one_leaves_the_other()
    {
        using var folder = TestFolder.Create();
        await using var host = TestApp.Over(folder);
        var (alice, bob) = (await host.CreateUserAsync(), await host.CreateUserAsync());
        var shared = TestImages.Jpeg(160, 160);
        var alices = await UploadAvatarAsync(host, alice, shared);
        var bobs = await UploadAvatarAsync(host, bob, shared);
        Assert.NotEqual(alices, bobs); // a file per upload (docs/adr/0012-image-processing-and-files.md)

        await UploadAvatarAsync(host, alice, TestImages.Jpeg(170, 170));

        await Eventually.TrueAsync(() => !File.Exists(folder.MediaPath(alices)), "alice's replaced avatar is deleted");
        Assert.True(File.Exists(folder.MediaPath(bobs)), "bob's avatar is still there");
    }

    [Fact]
    public async Task A_file_of_the_older_shape_that_two_profiles_share_stays_until_neither_shows_it()
    {
        using var folder = TestFolder.Create();
        await using var host = TestApp.Over(folder);
        // As stored before names were made per upload: one file, named by its content alone, on both profiles.
        var shared = TestImages.Jpeg(180, 180);
        var key = $"avatars/{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(shared))}.jpg";
        Directory.CreateDirectory(Path.GetDirectoryName(folder.MediaPath(key))!);
        await File.WriteAllBytesAsync(folder.MediaPath(key), shared);
        var sharing = new UserBuilder().With(u => u.ChangeAvatar(key, DateTimeOffset.UtcNow)).With(u => u.ClearDomainEvents());
        var (alice, bob) = (await host.CreateUserAsync(sharing), await host.CreateUserAsync(sharing));

        await UploadAvatarAsync(host, alice, TestImages.Jpeg(190, 190));
        await Eventually.TrueAsync(async () => (await host.OutboxAsync()).All(m => m.ProcessedAt is not null), "every row is processed");
        Assert.True(File.Exists(folder.MediaPath(key)), "bob still shows it");

        await host.ClientFor(bob).PatchJsonAsync(bob, new Dictionary<string, object?> { ["avatar"] = null });
        await Eventually.TrueAsync(() => !File.Exists(folder.MediaPath(key)), "nobody shows it any more: deleted");
    }

    [Fact]
    public async Task Events_a_stopped_instance_left_pending_are_delivered_by_the_next_one()
    {
        using var folder = TestFolder.Create();
        long id;
        string replaced, current;
        await using (var stopped = TestApp.Over(folder, NoDispatcher))
        {
            id = await stopped.CreateUserAsync();
            replaced = await UploadAvatarAsync(stopped, id, TestImages.Jpeg(180, 180));
            current = await UploadAvatarAsync(stopped, id, TestImages.Jpeg(190, 190));
            Assert.Equal(2, (await AvatarRowsAsync(stopped)).Count(m => m.ProcessedAt is null));
        }

        Assert.True(File.Exists(folder.MediaPath(replaced)), "nothing was delivered before the instance stopped");

        await using var next = TestApp.Over(folder);
        _ = next.Services; // starts the host, and with it the dispatcher

        await Eventually.TrueAsync(() => !File.Exists(folder.MediaPath(replaced)), "the next instance deletes the replaced avatar");
        await Eventually.TrueAsync(async () => (await next.OutboxAsync()).All(m => m.ProcessedAt is not null), "every row is processed");
        Assert.True(File.Exists(folder.MediaPath(current)));
    }

    [Fact]
    public async Task A_row_claimed_by_an_instance_that_died_is_taken_over_when_its_lease_ends()
    {
        using var folder = TestFolder.Create();
        await using (var dead = TestApp.Over(folder, NoDispatcher))
        {
            var id = await dead.CreateUserAsync();
            await UploadAvatarAsync(dead, id, TestImages.Jpeg(200, 200));
            // As a dispatcher that claimed the row and then died would leave it.
            await dead.QueryAsync(db => db.OutboxMessages.ExecuteUpdateAsync(s => s
                .SetProperty(m => m.LockedBy, "dead-host/1/claim")
                .SetProperty(m => m.LockedUntil, DateTime.UtcNow.AddSeconds(1))));
        }

        await using var next = TestApp.Over(folder, new TestAppOptions { Settings = new Dictionary<string, string> { ["Outbox:PollInterval"] = "00:00:00.200" } });
        _ = next.Services;

        await Eventually.TrueAsync(async () => (await AvatarRowsAsync(next)).Single().ProcessedAt is not null, "the row is delivered after the lease");
        var row = (await AvatarRowsAsync(next)).Single();
        Assert.Equal((1, null), (row.Attempts, row.LockedBy));
    }

    [Fact]
    public async Task Two_instances_dispatching_over_one_database_deliver_each_event_once()
    {
        using var folder = TestFolder.Create();
        var deliveries = new CountingAvatarHandler();
        await using var a = TestApp.Over(folder, Delivering(deliveries));
        await using var b = TestApp.Over(folder, Delivering(deliveries));
        var users = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            users.Add(await a.CreateUserAsync());
        }

        // Alternate instances, so each dispatcher is woken for its own commits and polls for the other's.
        await Task.WhenAll(users.Select((id, i) => UploadAvatarAsync(i % 2 == 0 ? a : b, id, TestImages.Jpeg(100 + i, 100 + i))));

        await Eventually.TrueAsync(async () => (await a.OutboxAsync()).All(m => m.ProcessedAt is not null), "every row is processed");
        Assert.Equal(6, deliveries.Deliveries.Count);
        Assert.All(deliveries.Deliveries.Values, n => Assert.Equal(1, n));
    }

    /// <summary>
    /// The claim is one conditional UPDATE. Under PostgreSQL's READ COMMITTED a claim that waited for another's row
    /// lock evaluates its condition again on the row as the other left it, so it skips rows already claimed; SQLite
    /// runs one writer at a time. Eight rounds racing over small batches show each row goes to one of them only.
    /// </summary>
    [Fact]
    public async Task Eight_dispatch_rounds_racing_over_one_table_deliver_every_row_exactly_once()
    {
        using var folder = TestFolder.Create();
        var deliveries = new CountingAvatarHandler();
        await using var host = TestApp.Over(folder, Delivering(deliveries) with
        {
            Outbox = false,
            Settings = new Dictionary<string, string> { ["Outbox:BatchSize"] = "7" },
        });
        var now = DateTimeOffset.UtcNow;
        await host.QueryAsync(db =>
        {
            db.OutboxMessages.AddRange(Enumerable.Range(1, 150)
                .Select(i => OutboxMessage.For(new UserAvatarChanged(i, null, $"avatars/{i:D64}.jpg", now), now)));
            return db.SaveChangesAsync();
        });
        var delivery = host.Services.GetRequiredService<OutboxDelivery>();
        var deadline = DateTime.UtcNow.AddSeconds(30);

        // Each round has its own scope, connection and claim token: as many dispatchers as there are rounds.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (DateTime.UtcNow < deadline &&
                   await host.QueryAsync(db => db.OutboxMessages.AnyAsync(m => m.ProcessedAt == null)))
            {
                await delivery.DeliverDueAsync(CancellationToken.None);
            }
        })));

        var rows = await host.OutboxAsync();
        Assert.All(rows, m => Assert.Equal((1, true, null), (m.Attempts, m.ProcessedAt is not null, m.LockedBy)));
        Assert.Equal(150, deliveries.Deliveries.Count);
        Assert.All(deliveries.Deliveries, d => Assert.Equal(1, d.Value));
    }

    [Fact]
    public async Task A_throwing_handler_is_retried_and_its_error_recorded()
    {
        using var folder = TestFolder.Create();
        var flaky = new FlakyAvatarHandler();
        await using var host = TestApp.Over(folder, Delivering(flaky));
        var id = await host.CreateUserAsync();

        await UploadAvatarAsync(host, id, TestImages.Jpeg(210, 210));

        await Eventually.TrueAsync(async () => (await AvatarRowsAsync(host)).Single().ProcessedAt is not null, "the retry delivers the event");
        var row = (await AvatarRowsAsync(host)).Single();
        Assert.Equal(2, row.Attempts);
        Assert.Equal(2, flaky.Calls);
        Assert.Contains(FlakyAvatarHandler.Failure, row.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_failure_after_the_file_is_stored_leaves_no_new_file_and_the_old_avatar()
    {
        using var folder = TestFolder.Create();
        var failingCommit = new FailingCommitInterceptor();
        await using var host = TestApp.Over(folder, NoDispatcher with
        {
            Services = services => services.ConfigureDbContext<CleanUserDbContext>(options => options.AddInterceptors(failingCommit)),
        });
        var id = await host.CreateUserAsync();
        var old = await UploadAvatarAsync(host, id, TestImages.Jpeg(220, 220));
        var files = folder.MediaFiles();
        var rows = (await host.OutboxAsync()).Count;

        failingCommit.Armed = true;
        var response = await host.ClientFor(id).PatchMultipartAsync(id, [("avatar", TestImages.Jpeg(230, 230), "new.jpg")],
            ("bio", "lost with the transaction"));
        failingCommit.Armed = false;

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("simulated", body, StringComparison.Ordinal);
        var user = await host.ReadUserAsync(id);
        Assert.Equal((old, string.Empty), (user.Avatar, user.Bio));
        Assert.Equal(files, folder.MediaFiles()); // the new file was stored, then removed again
        Assert.Equal(rows, (await host.OutboxAsync()).Count); // the events' rows rolled back with the change
    }

    /// <summary>The rows of avatar changes (each change also writes a <see cref="UserUpdated"/>, which these tests are not about).</summary>
    private static async Task<List<OutboxMessage>> AvatarRowsAsync(TestApp host) =>
        (await host.OutboxAsync()).Where(m => m.Type == AvatarChanged).ToList();

    private static async Task<string> UploadAvatarAsync(TestApp host, long id, byte[] picture) =>
        Api.KeyOf(await host.ClientFor(id).UploadAsync(id, "avatar", picture));
}
