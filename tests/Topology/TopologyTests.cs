using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CleanUser.Infrastructure.Audit;
using CleanUser.Infrastructure.Outbox;
using CleanUser.Infrastructure.Webhooks;
using CleanUser.IntegrationTests.Images;
using CleanUser.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace CleanUser.Topology;

/// <summary>
/// The fleet of docs/deploy.md under load, through nginx only: two instances over one PostgreSQL database, one S3
/// bucket and one Redis (<see cref="Fleet"/>). Each test uses users of its own; they run one after the other.
/// </summary>
public sealed class TopologyTests(Fleet fleet, ITestOutputHelper output) : IClassFixture<Fleet>
{
    private static readonly string[] Fields = ["real_name", "bio", "location", "description", "website"];

    [Fact]
    public async Task Concurrent_patches_of_different_fields_lose_nothing_and_each_etag_is_what_a_get_returns()
    {
        const int Rounds = 25;
        var users = await fleet.CreateUsersAsync(40);
        var writes = from round in Enumerable.Range(0, Rounds) from user in users select (user, round);
        var answers = await ConcurrentlyAsync(writes, 48, write =>
            PatchAsync(write.user, Fields[write.round % Fields.Length], Value(write.user.Id, write.round)));

        AssertAll(answers, HttpStatusCode.OK);
        Assert.Equal(2, answers.Select(a => a.Upstream).Distinct().Count());
        var readers = new HashSet<string>();
        foreach (var user in users)
        {
            var mine = answers.Where(a => a.UserId == user.Id).ToList();
            Assert.Equal(Rounds, mine.Select(a => a.ETag).Distinct().Count());

            // Whichever instance answers, a read gives the state of the last write, with that write's ETag.
            var reads = new[] { await GetAsync(user), await GetAsync(user) };
            readers.UnionWith(reads.Select(r => r.Upstream));
            Assert.All(reads, read => Assert.Equal((reads[0].Body, reads[0].ETag), (read.Body, read.ETag)));
            var last = Assert.Single(mine, a => a.Body == reads[0].Body);
            Assert.Equal(last.ETag, reads[0].ETag);

            // In commit order (the audit trail), every change of a field starts from the value the one before it
            // left: no write was lost to another; and the field ends as the last one left it.
            var entries = await fleet.Admin.QueryAsync(db => db.Set<AuditEntry>().AsNoTracking()
                .Where(e => e.UserId == user.Id).OrderBy(e => e.Id).ToListAsync());
            Assert.Equal(Rounds, entries.Count);
            using var stored = JsonDocument.Parse(reads[0].Body);
            foreach (var field in Fields)
            {
                var changes = entries.SelectMany(e => e.Changes).Where(c => c.Field == field).ToList();
                Assert.Equal(Rounds / Fields.Length, changes.Count);
                for (var i = 1; i < changes.Count; i++)
                {
                    Assert.Equal(changes[i - 1].New, changes[i].Old);
                }

                Assert.Equal(changes[^1].New, stored.RootElement.GetProperty(field).GetString());
            }
        }

        Assert.Equal(2, readers.Count);
    }

    [Fact]
    public async Task Of_twenty_users_racing_for_one_username_exactly_one_gets_it()
    {
        var users = await fleet.CreateUsersAsync(20);
        var name = "prize_" + Guid.NewGuid().ToString("N")[..10];
        var go = new TaskCompletionSource();
        var racing = users.Select(async user =>
        {
            await go.Task;
            return await PatchAsync(user, "username", name);
        }).ToList();
        go.SetResult();
        var answers = await Task.WhenAll(racing);

        var winner = Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a != winner), loser =>
        {
            Assert.Equal(HttpStatusCode.BadRequest, loser.Status);
            using var problem = JsonDocument.Parse(loser.Body);
            Assert.Contains(("username", "unique"), Api.FieldErrors(problem.RootElement));
        });
        var read = await GetAsync(users.Single(u => u.Id == winner.UserId));
        using var stored = JsonDocument.Parse(read.Body);
        Assert.Equal(name, stored.RootElement.GetProperty("username").GetString());
    }

    [Fact]
    public async Task Avatars_are_served_from_the_bucket_and_each_replaced_one_is_deleted_once()
    {
        const int PerUser = 5;
        var users = await fleet.CreateUsersAsync(10);
        using var s3 = new HttpClient();
        var uploads = new ConcurrentBag<(long UserId, int Round, string Key, string Upstream)>();
        await Task.WhenAll(users.Select(async user =>
        {
            for (var round = 0; round < PerUser; round++)
            {
                using var client = fleet.Proxy.Client(user.Token);
                using var body = Api.Multipart([("avatar", TestImages.Jpeg(64 + round, 64 + round), "me.jpg")]);
                using var response = await client.PatchAsync(Api.UserUri(user.Id), body);
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, text);
                var url = JsonDocument.Parse(text).RootElement.GetProperty("avatar").GetString()!;
                using var image = await s3.GetAsync(new Uri(url));
                Assert.Equal(HttpStatusCode.OK, image.StatusCode);
                Assert.Equal("image/jpeg", image.Content.Headers.ContentType?.MediaType);
                uploads.Add((user.Id, round, KeyOf(url), Nginx.Upstream(response)));
            }
        }));

        Assert.Equal(users.Count * PerUser, uploads.Select(u => u.Key).Distinct().Count());
        Assert.Equal(2, uploads.Select(u => u.Upstream).Distinct().Count());
        await OutboxDoneAsync(); // replaced images are deleted by the outbox, after the commit
        var current = uploads.Where(u => u.Round == PerUser - 1).Select(u => u.Key).ToHashSet();
        var replaced = uploads.Where(u => u.Round < PerUser - 1).Select(u => u.Key).ToList();
        var deletes = fleet.S3.Requests.Where(r => r.StartsWith($"DELETE /{fleet.Bucket}/", StringComparison.Ordinal))
            .Select(r => r.Split(' ')[1][$"/{fleet.Bucket}/".Length..]).ToList();

        Assert.Equal(current.Order(), (await fleet.S3.KeysAsync(fleet.Bucket)).Order()); // no orphans
        Assert.All(replaced, key => Assert.Equal(1, deletes.Count(d => d == key)));
        Assert.DoesNotContain(deletes, current.Contains);
    }

    [Fact]
    public async Task Writes_past_the_burst_are_throttled_whichever_instance_answers()
    {
        var user = (await fleet.CreateUsersAsync(1))[0];
        var clock = Stopwatch.StartNew();
        var answers = new List<Answer>();
        for (var i = 0; i < 2 * Fleet.WriteBurst; i++)
        {
            answers.Add(await PatchAsync(user, "bio", $"write {i}"));
        }

        // One bucket for the user across both instances: per-instance buckets would have let all of them through.
        var written = answers.Count(a => a.Status == HttpStatusCode.OK);
        var refilled = (int)Math.Ceiling(clock.Elapsed.TotalMinutes * Fleet.WritesPerMinute);
        output.WriteLine($"{written} of {answers.Count} writes in {clock.Elapsed.TotalSeconds:F1} s; the rest 429.");
        Assert.InRange(written, Fleet.WriteBurst, Fleet.WriteBurst + refilled);
        var throttled = answers.Where(a => a.Status != HttpStatusCode.OK).ToList();
        AssertAll(throttled, HttpStatusCode.TooManyRequests);
        Assert.All(throttled, a => Assert.Contains("\"throttled\"", a.Body, StringComparison.Ordinal));
        Assert.Equal(2, throttled.Select(a => a.Upstream).Distinct().Count());
    }

    [Fact]
    public async Task An_instance_killed_mid_burst_fails_only_its_requests_in_flight_and_its_claims_are_taken_over()
    {
        const int Concurrency = 16;
        var users = await fleet.CreateUsersAsync(20);
        var ids = users.Select(u => u.Id).ToList();
        var victim = fleet.Instances[0];
        var writes = (from round in Enumerable.Range(0, 10) from user in users select (user, round)).ToList();
        var done = 0;
        var halfway = new TaskCompletionSource();
        fleet.Webhooks.Receiver.Delay = TimeSpan.FromMilliseconds(100); // deliveries stay claimed while sent
        Task<Answer[]> burst;
        (long[] Outbox, long[] Deliveries) claimed;
        try
        {
            burst = ConcurrentlyAsync(writes, Concurrency, async write =>
            {
                var answer = await PatchAsync(write.user, "bio", Value(write.user.Id, write.round));
                if (Interlocked.Increment(ref done) == writes.Count / 3)
                {
                    halfway.SetResult();
                }

                return answer;
            });
            await halfway.Task;
            claimed = await ClaimedAsync(ids);
            victim.Kill();
            var answers = await burst;

            // nginx answers 502 for what the dead instance had in hand — the requests in flight on it, and those nginx
            // had already put on its kept-alive connections before it marked it down (each at most one per request
            // slot) — and serves every other request: the count does not grow with the length of the burst.
            var failed = answers.Where(a => a.Status != HttpStatusCode.OK).ToList();
            AssertAll(failed, HttpStatusCode.BadGateway);
            Assert.InRange(failed.Count, 0, 2 * Concurrency);
            Assert.NotEmpty(claimed.Outbox.Concat(claimed.Deliveries));
            output.WriteLine($"Killed instance {victim.Name}: {failed.Count} of {answers.Length} PATCHes answered 502; " +
                $"claimed then: {claimed.Outbox.Length} outbox rows, {claimed.Deliveries.Length} webhook deliveries.");

            // With the victim still down, the other instance takes its claims over once their lease ends.
            await OutboxDoneAsync();
            var deliveries = await fleet.Admin.QueryAsync(db => db.Set<WebhookDelivery>().AsNoTracking()
                .Where(d => d.EndpointId == fleet.Webhooks.EndpointId && ids.Contains(d.UserId)).ToListAsync());
            Assert.All(deliveries, d => Assert.Equal(WebhookDeliveryState.Delivered, d.State));
            Assert.Subset(deliveries.Select(d => d.Id).ToHashSet(), claimed.Deliveries.ToHashSet());
            var received = fleet.Webhooks.Receiver.Requests.Where(r => r.Verified).Select(r => r.EventId).ToHashSet();
            Assert.Subset(received, deliveries.Select(d => d.EventId).ToHashSet());
        }
        finally
        {
            fleet.Webhooks.Receiver.Delay = TimeSpan.Zero;
        }

        // Restarted, it serves again.
        await victim.StartAsync();
        var after = await ConcurrentlyAsync(users.Take(8), 8, user => PatchAsync(user, "bio", "after the restart"));
        AssertAll(after, HttpStatusCode.OK);
        Assert.Contains(after, a => a.Upstream.EndsWith($":{victim.Port}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_instance_serves_metrics_to_the_scraper_and_the_proxy_does_not()
    {
        var user = (await fleet.CreateUsersAsync(1))[0];
        using var proxy = fleet.Proxy.Client();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PatchAsync(user, "bio", $"measured {i}")).Status);
        }

        foreach (var instance in fleet.Instances)
        {
            using var scraper = new HttpClient { BaseAddress = instance.Address };
            var metrics = await scraper.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Contains("http_server_request_duration_seconds", metrics, StringComparison.Ordinal);
            Assert.Contains("cleanuser_outbox_backlog", metrics, StringComparison.Ordinal);
        }

        using var hidden = await proxy.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
    }

    private static string Value(long userId, int round) => Fields[round % Fields.Length] switch
    {
        "website" => $"https://example.com/{userId}/{round}",
        "description" => $"description {round}",
        var field => $"{field} {userId} {round}",
    };

    private static async Task<Answer[]> ConcurrentlyAsync<T>(IEnumerable<T> work, int concurrency, Func<T, Task<Answer>> send)
    {
        using var slots = new SemaphoreSlim(concurrency);
        return await Task.WhenAll(work.Select(async item =>
        {
            await slots.WaitAsync();
            try
            {
                return await send(item);
            }
            finally
            {
                slots.Release();
            }
        }));
    }

    private async Task<Answer> PatchAsync((long Id, string Token) user, string field, string value)
    {
        using var client = fleet.Proxy.Client(user.Token);
        using var response = await client.PatchAsync(Api.UserUri(user.Id), Api.Json(new Dictionary<string, string> { [field] = value }));
        return await Answer.ReadAsync(user.Id, response);
    }

    private async Task<Answer> GetAsync((long Id, string Token) user)
    {
        using var client = fleet.Proxy.Client(user.Token);
        using var response = await client.GetAsync(Api.UserUri(user.Id));
        return await Answer.ReadAsync(user.Id, response);
    }

    private void AssertAll(IEnumerable<Answer> answers, HttpStatusCode status)
    {
        var other = answers.FirstOrDefault(a => a.Status != status);
        Assert.True(other is null, $"{other?.Status} from {other?.Upstream}: {other?.Body}\n{fleet.Logs}");
    }

    /// <summary>
    /// The outbox rows, and the webhook deliveries for <paramref name="users"/>, that some instance has claimed and not
    /// finished, now.
    /// </summary>
    private Task<(long[] Outbox, long[] Deliveries)> ClaimedAsync(List<long> users) => fleet.Admin.QueryAsync(async db =>
    {
        var now = DateTime.UtcNow;
        var outbox = await db.Set<OutboxMessage>().Where(m => m.ProcessedAt == null && m.LockedUntil > now).Select(m => m.Id).ToArrayAsync();
        var deliveries = await db.Set<WebhookDelivery>()
            .Where(d => users.Contains(d.UserId) && d.State == WebhookDeliveryState.Pending && d.LockedUntil > now)
            .Select(d => d.Id).ToArrayAsync();
        return (outbox, deliveries);
    });

    /// <summary>Waits until every outbox row is processed and nothing is left to send to the receiver.</summary>
    private Task OutboxDoneAsync() => Eventually.TrueAsync(() => fleet.Admin.QueryAsync(async db =>
            !await db.Set<OutboxMessage>().AnyAsync(m => m.ProcessedAt == null) &&
            !await db.Set<WebhookDelivery>().AnyAsync(d => d.State == WebhookDeliveryState.Pending)),
        "every outbox row processed and every webhook delivered", timeoutSeconds: 120);

    /// <summary>The object key of an image URL: the URL below the bucket's public address.</summary>
    private string KeyOf(string url)
    {
        var bucket = fleet.S3.PublicBaseUrl(fleet.Bucket).AbsoluteUri;
        Assert.StartsWith(bucket, url, StringComparison.Ordinal);
        return url[bucket.Length..];
    }

    /// <summary>One response through nginx: status, ETag, body, and the instance that answered.</summary>
    private sealed record Answer(long UserId, HttpStatusCode Status, string? ETag, string Body, string Upstream)
    {
        public static async Task<Answer> ReadAsync(long userId, HttpResponseMessage response) =>
            new(userId, response.StatusCode, response.Headers.ETag?.Tag, await response.Content.ReadAsStringAsync(), Nginx.Upstream(response));
    }
}
