using System.Data.Common;
using System.Net;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Users;
using CleanUser.Infrastructure.Idempotency;
using CleanUser.Infrastructure.Persistence;
using CleanUser.Tests.Support;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SkiaSharp;

namespace CleanUser.FunctionalTests.HttpStandards;

/// <summary>
/// docs/api.md#idempotency: PATCH and PUT with an <c>Idempotency-Key</c>. A repeat is proven to be a replay, not a second
/// run, by a change made in between without a key: a second run would undo it, a replay leaves it and answers as before.
/// </summary>
public sealed class IdempotencyTests(IdempotencyTests.Host host) : IClassFixture<IdempotencyTests.Host>
{
    private const string IdempotencyKeyName = "Idempotency-Key";
    private const string Replayed = "Idempotent-Replayed";

    private readonly TestApp _app = host.App;

    public static TheoryData<string, string, string> Writes => new()
    {
        { "PATCH", "application/json", """{"bio": "first"}""" },
        { "PATCH", "application/merge-patch+json", """{"bio": "first"}""" },
        { "PATCH", "application/x-www-form-urlencoded", "bio=first" },
        { "PATCH", "application/json-patch+json", """[{"op": "replace", "path": "/bio", "value": "first"}]""" },
        { "PUT", "application/json", """{"username": "{name}", "bio": "first"}""" },
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task The_same_request_again_gets_the_stored_response_replayed_and_changes_nothing(string method, string contentType, string body)
    {
        var id = await _app.CreateUserAsync();
        var before = await _app.ReadUserAsync(id);
        using var client = _app.ClientFor(id);
        body = body.Replace("{name}", before.Username, StringComparison.Ordinal);
        var key = NewKey();

        using var first = await client.SendAsync(Request(method, id, Api.Raw(body, contentType), key));
        var firstBody = await first.Content.ReadAsByteArrayAsync();
        (await client.PatchJsonAsync(id, new { bio = "in between" })).EnsureSuccessStatusCode();
        using var again = await client.SendAsync(Request(method, id, Api.Raw(body, contentType), key));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(first.Headers.Contains(Replayed));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(["true"], again.Headers.GetValues(Replayed));
        Assert.Equal(firstBody, await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
        Assert.Equal(first.Content.Headers.ContentType, again.Content.Headers.ContentType);
        Assert.Equal(first.Headers.CacheControl, again.Headers.CacheControl);
        Assert.Equal("first", (await first.ReadUserAsync()).GetProperty("bio").GetString());
        // Two changes (the first request, the one in between); the replay made none.
        Assert.Equal(before with { Bio = "in between", Version = before.Version + 2 }, await _app.ReadUserAsync(id));
    }

    /// <summary>Requests that differ from <c>PATCH /api/v2/user/{id}/</c>, JSON <c>{"bio": "first"}</c>, in one part.</summary>
    private static readonly Dictionary<string, Func<long, HttpRequestMessage>> OtherRequestCases = new()
    {
        ["another body"] = id => Request("PATCH", id, Api.Json(new { bio = "other" }), null),
        ["another content type"] = id => Request("PATCH", id, Api.Json(new { bio = "first" }, "application/merge-patch+json"), null),
        ["another method"] = id => Request("PUT", id, Api.Json(new { bio = "first" }), null),
        ["another path"] = id => new HttpRequestMessage(HttpMethod.Patch, Api.UserPath(id).TrimEnd('/')) { Content = Api.Json(new { bio = "first" }) },
    };

    public static TheoryData<string> OtherRequests => [.. OtherRequestCases.Keys];

    [Theory]
    [MemberData(nameof(OtherRequests))]
    public async Task Another_request_with_a_used_key_is_422_idempotency_key_reused_and_changes_nothing(string other)
    {
        var id = await _app.CreateUserAsync();
        using var client = _app.ClientFor(id);
        var key = NewKey();
        (await client.SendAsync(Request("PATCH", id, Api.Json(new { bio = "first" }), key))).EnsureSuccessStatusCode();
        var stored = await _app.ReadUserAsync(id);
        var request = OtherRequestCases[other](id);
        request.Headers.TryAddWithoutValidation(IdempotencyKeyName, key);

        using var response = await client.SendAsync(request);

        await response.AssertErrorAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(stored, await _app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Keys_of_different_users_never_collide()
    {
        var alice = await _app.CreateUserAsync();
        var bob = await _app.CreateUserAsync();
        var key = NewKey();

        using var fromAlice = await _app.ClientFor(alice).SendAsync(Request("PATCH", alice, Api.Json(new { bio = "alice's" }), key));
        using var fromBob = await _app.ClientFor(bob).SendAsync(Request("PATCH", bob, Api.Json(new { bio = "bob's" }), key));

        Assert.Equal(HttpStatusCode.OK, fromBob.StatusCode);
        Assert.False(fromBob.Headers.Contains(Replayed));
        Assert.Equal("alice's", (await _app.ReadUserAsync(alice)).Bio);
        Assert.Equal("bob's", (await _app.ReadUserAsync(bob)).Bio);
    }

    private static readonly Dictionary<string, string[]> MalformedKeyCases = new()
    {
        ["an empty string"] = ["\"\""],
        ["a space in a token"] = ["a b"],
        ["no closing quote"] = ["\"abc"],
        ["something after the string"] = ["\"abc\"d"],
        ["an escape of another character"] = ["\"a\\bc\""],
        ["256 characters"] = [new string('k', 256)],
        ["a string of 256 characters"] = ["\"" + new string('k', 256) + "\""],
        ["two keys"] = ["one", "two"],
    };

    public static TheoryData<string> MalformedKeys => [.. MalformedKeyCases.Keys];

    [Theory]
    [MemberData(nameof(MalformedKeys))]
    public async Task A_malformed_key_is_400_invalid_idempotency_key_and_changes_nothing(string malformed)
    {
        var id = await _app.CreateUserAsync();
        var before = await _app.ReadUserAsync(id);
        using var client = _app.ClientFor(id);
        var request = Request("PATCH", id, Api.Json(new { bio = "never" }), null);
        foreach (var value in MalformedKeyCases[malformed])
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKeyName, value);
        }

        using var response = await client.SendAsync(request);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "invalid_idempotency_key");
        Assert.Equal(before, await _app.ReadUserAsync(id));
    }

    /// <summary>A key as sent first, and a spelling of the same key sent again.</summary>
    private static readonly Dictionary<string, (string Sent, string Repeated)> WellFormedKeyCases = new()
    {
        ["a token of 255 visible characters"] = ("!" + new string('~', 254), "!" + new string('~', 254)),
        ["a string with escapes, and its key as a token"] = ("\"a\\\"b\\\\c\"", "a\"b\\c"),
        ["a string, and the same key as a token"] = ("\"same-key\"", "same-key"),
    };

    public static TheoryData<string> WellFormedKeys => [.. WellFormedKeyCases.Keys];

    [Theory]
    [MemberData(nameof(WellFormedKeys))]
    public async Task A_well_formed_key_in_either_form_is_accepted_and_names_its_key(string wellFormed)
    {
        var (sent, repeated) = WellFormedKeyCases[wellFormed];
        var id = await _app.CreateUserAsync();
        using var client = _app.ClientFor(id);

        using var first = await client.SendAsync(Request("PATCH", id, Api.Json(new { bio = "once" }), sent));
        using var again = await client.SendAsync(Request("PATCH", id, Api.Json(new { bio = "once" }), repeated));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(["true"], again.Headers.GetValues(Replayed));
    }

    [Fact]
    public async Task A_second_request_with_the_key_while_the_first_is_inside_its_transaction_is_409_and_one_change_is_made()
    {
        var id = await _app.CreateUserAsync();
        var before = await _app.ReadUserAsync(id);
        using var client = _app.ClientFor(id);
        var key = NewKey();

        // The first has written its change and its response and is about to commit.
        host.AtCommit.Hold.Arm();
        var first = client.SendAsync(Request("PATCH", id, Api.Json(new { bio = "once" }), key));
        await host.AtCommit.Hold.Reached.Task;
        using (var second = await client.SendAsync(Request("PATCH", id, Api.Json(new { bio = "once" }), key)))
        {
            await second.AssertErrorAsync(HttpStatusCode.Conflict, "idempotency_key_in_use");
        }

        host.AtCommit.Hold.Release();
        using var answered = await first;
        using var retried = await client.SendAsync(Request("PATCH", id, Api.Json(new { bio = "once" }), key));

        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(["true"], retried.Headers.GetValues(Replayed));
        Assert.Equal(answered.Headers.ETag, retried.Headers.ETag);
        Assert.Equal(before with { Bio = "once", Version = before.Version + 1 }, await _app.ReadUserAsync(id));
    }

    [Fact]
    public async Task A_key_whose_request_outlives_its_lease_is_taken_over_and_the_late_request_stores_nothing()
    {
        var id = await _app.CreateUserAsync();
        var before = await _app.ReadUserAsync(id);
        using var client = _app.ClientFor(id);
        var key = NewKey();

        // The first holds the key but stalls before its transaction, as on an instance that died, for longer than the lease.
        host.BeforeTransaction.Hold.Arm();
        var late = client.SendAsync(Request("PATCH", id, Api.Json(new { bio = "once" }), key));
        await host.BeforeTransaction.Hold.Reached.Task;
        host.Clock.Advance(IdempotencyOptions.Lease + TimeSpan.FromSeconds(1));
        using var takenOver = await client.SendAsync(Request("PATCH", id, Api.Json(new { bio = "once" }), key));
        host.BeforeTransaction.Hold.Release();
        using var lateAnswer = await late;
        using var retried = await client.SendAsync(Request("PATCH", id, Api.Json(new { bio = "once" }), key));

        Assert.Equal(HttpStatusCode.OK, takenOver.StatusCode);
        Assert.False(takenOver.Headers.Contains(Replayed));
        // The late request may not store its answer over the one of the request that took the key: its transaction rolls back.
        await lateAnswer.AssertErrorAsync(HttpStatusCode.Conflict, "idempotency_key_in_use");
        Assert.Equal(takenOver.Headers.ETag, retried.Headers.ETag);
        Assert.Equal(["true"], retried.Headers.GetValues(Replayed));
        Assert.Equal(before with { Bio = "once", Version = before.Version + 1 }, await _app.ReadUserAsync(id));
    }

    [Fact]
    public async Task A_refusal_is_stored_and_replayed_even_once_its_cause_is_gone()
    {
        var id = await _app.CreateUserAsync();
        var holder = await _app.CreateUserAsync();
        var taken = (await _app.ReadUserAsync(holder)).Username;
        var before = await _app.ReadUserAsync(id);
        using var client = _app.ClientFor(id);
        var key = NewKey();

        using var refused = await client.SendAsync(Request("PATCH", id, Api.Json(new { username = taken }), key));
        var refusal = await refused.Content.ReadAsByteArrayAsync();
        (await _app.ClientFor(holder).PatchJsonAsync(holder, new { username = UserBuilder.UniqueName() })).EnsureSuccessStatusCode();
        using var again = await client.SendAsync(Request("PATCH", id, Api.Json(new { username = taken }), key));

        await refused.AssertFieldErrorsAsync(("username", "unique"));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal(["true"], again.Headers.GetValues(Replayed));
        Assert.Equal(refusal, await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(refused.Content.Headers.ContentType, again.Content.Headers.ContentType);
        Assert.Equal(before, await _app.ReadUserAsync(id));
    }

    [Fact]
    public async Task A_server_error_releases_the_key_and_the_response_never_outlives_a_change_that_did_not_commit()
    {
        var id = await _app.CreateUserAsync();
        var before = await _app.ReadUserAsync(id);
        using var client = _app.ClientFor(id);
        var key = NewKey();

        // The change and its response are written; the commit fails. Both must go: a response stored on its own would
        // be replayed for a change that never happened.
        host.AtCommit.FailNext();
        using (var failed = await client.SendAsync(Request("PATCH", id, Api.Json(new { bio = "once" }), key)))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        Assert.Equal(before, await _app.ReadUserAsync(id));
        using var retried = await client.SendAsync(Request("PATCH", id, Api.Json(new { bio = "once" }), key));

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.False(retried.Headers.Contains(Replayed));
        Assert.Equal(before with { Bio = "once", Version = before.Version + 1 }, await _app.ReadUserAsync(id));
    }

    [Fact]
    public async Task An_upload_sent_twice_with_one_key_is_processed_and_stored_once()
    {
        var id = await _app.CreateUserAsync();
        using var client = _app.ClientFor(id);
        var outbox = (await _app.OutboxAsync()).Count;
        var key = NewKey();
        // A client repeating a request sends the same bytes: one multipart body, boundary included.
        using var form = Api.Multipart([("avatar", Picture(SKColors.Teal), "a.png")]);
        var upload = await form.ReadAsByteArrayAsync();
        var uploadType = form.Headers.ContentType!.ToString();

        using var first = await client.SendAsync(Request("PATCH", id, Api.Bytes(upload, uploadType), key));
        var replaced = await client.UploadAsync(id, "avatar", Picture(SKColors.Orange));
        using var again = await client.SendAsync(Request("PATCH", id, Api.Bytes(upload, uploadType), key));

        var avatar = (await first.ReadUserAsync()).GetProperty("avatar").GetString()!;
        Assert.Equal(["true"], again.Headers.GetValues(Replayed));
        Assert.Equal(avatar, (await again.ReadUserAsync()).GetProperty("avatar").GetString());
        Assert.Equal(Api.KeyOf(replaced), (await _app.ReadUserAsync(id)).Avatar);
        // Two pictures, two changes, two events each (the avatar's and the profile's): the replay stored no file and changed nothing.
        Assert.Equal(2, Directory.GetFiles(_app.MediaRoot, "*", SearchOption.AllDirectories).Length);
        Assert.Equal(outbox + 4, (await _app.OutboxAsync()).Count);
    }

    [Fact]
    public async Task An_expired_key_is_deleted_in_the_background_and_is_new_again()
    {
        var id = await _app.CreateUserAsync();
        var before = await _app.ReadUserAsync(id);
        var key = NewKey();
        using (var client = _app.ClientFor(id))
        {
            (await client.SendAsync(Request("PATCH", id, Api.Json(new { bio = "once" }), key))).EnsureSuccessStatusCode();
            (await client.PatchJsonAsync(id, new { bio = "in between" })).EnsureSuccessStatusCode();
        }

        host.Clock.Advance(TimeSpan.FromHours(new IdempotencyOptions().RetentionHours) + IdempotencyOptions.SweepInterval);
        await Eventually.TrueAsync(async () => !await _app.QueryAsync(db => db.Set<IdempotencyRecord>().AnyAsync(r => r.Key == key)),
            "the expired key is deleted");
        using var later = _app.ClientFor(id); // a token of the new time
        using var again = await later.SendAsync(Request("PATCH", id, Api.Json(new { bio = "once" }), key));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.False(again.Headers.Contains(Replayed));
        Assert.Equal(before with { Bio = "once", Version = before.Version + 3 }, await _app.ReadUserAsync(id));
    }

    [Fact]
    public async Task A_browser_app_of_an_allowed_origin_may_send_a_key_and_read_the_replay_mark()
    {
        const string origin = "https://app.example.org";
        using var app = TestApp.With(new TestAppOptions { Settings = new Dictionary<string, string> { ["Cors:AllowedOrigins:0"] = origin } });
        var id = await app.CreateUserAsync();
        using var client = app.ClientFor(id);
        using var preflight = new HttpRequestMessage(HttpMethod.Options, Api.UserUri(id));
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "PATCH");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,idempotency-key");
        using var patch = Request("PATCH", id, Api.Json(new { bio = "once" }), NewKey());
        patch.Headers.Add("Origin", origin);

        using var allowed = await client.SendAsync(preflight);
        using var answered = await client.SendAsync(patch);

        Assert.Contains("idempotency-key", allowed.Headers.GetValues("Access-Control-Allow-Headers").Single().ToLowerInvariant()
            .Split(',', StringSplitOptions.TrimEntries));
        Assert.Contains(Replayed, answered.Headers.GetValues("Access-Control-Expose-Headers").Single().Split(',', StringSplitOptions.TrimEntries));
    }

    private static string NewKey() => $"\"{Guid.NewGuid()}\"";

    private static HttpRequestMessage Request(string method, long id, HttpContent content, string? key)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), Api.UserUri(id)) { Content = content };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKeyName, key);
        }

        return request;
    }

    private static byte[] Picture(SKColor color)
    {
        using var bitmap = new SKBitmap(16, 16);
        bitmap.Erase(color);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>
    /// The app of these tests: a clock they move, a validator that can hold a request after it claimed its key and before
    /// its transaction, and a commit that can be held or failed once. The outbox dispatcher is off: rows stay to be counted.
    /// </summary>
    public sealed class Host : IDisposable
    {
        public Host() => App = TestApp.With(new TestAppOptions
        {
            Outbox = false,
            Services = services =>
            {
                services.AddSingleton<TimeProvider>(Clock);
                services.AddSingleton<IValidator<PatchUserCommand>>(BeforeTransaction);
                services.ConfigureDbContext<CleanUserDbContext>(options => options.AddInterceptors(AtCommit));
            },
        });

        public TestApp App { get; }

        public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

        public HoldingValidator BeforeTransaction { get; } = new();

        public CommitSeam AtCommit { get; } = new();

        public void Dispose() => App.Dispose();
    }

    /// <summary>Once armed, holds the first request that reaches it until released.</summary>
    public sealed class Gate
    {
        private int _armed;
        private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Reached { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Arm()
        {
            Reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Exchange(ref _armed, 1);
        }

        public void Release() => _release.TrySetResult();

        public async Task PassAsync()
        {
            if (Interlocked.Exchange(ref _armed, 0) == 1)
            {
                Reached.TrySetResult();
                await _release.Task;
            }
        }
    }

    /// <summary>A validator of the PATCH command that holds a request there: after its key was claimed, before its transaction.</summary>
    public sealed class HoldingValidator : AbstractValidator<PatchUserCommand>
    {
        public HoldingValidator() => RuleFor(command => command.UserId).CustomAsync((_, _, _) => Hold.PassAsync());

        public Gate Hold { get; } = new();
    }

    /// <summary>At the commit of a command's transaction (one that loaded a user): hold it, or fail it once.</summary>
    public sealed class CommitSeam : DbTransactionInterceptor
    {
        private int _fail;

        public Gate Hold { get; } = new();

        public void FailNext() => Interlocked.Exchange(ref _fail, 1);

        public override async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction,
            TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(eventData);
            if (eventData.Context?.ChangeTracker.Entries<User>().Any() == true)
            {
                if (Interlocked.Exchange(ref _fail, 0) == 1)
                {
                    throw new InvalidOperationException("simulated failure at commit");
                }

                await Hold.PassAsync();
            }

            return result;
        }
    }
}
