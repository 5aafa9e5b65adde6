using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using CleanUser.Domain.Users;
using CleanUser.Tests.Support;
using CsCheck;
using Xunit.Abstractions;

namespace CleanUser.FunctionalTests.Fuzz;

/// <summary>
/// Property-based tests over hostile PATCH and PUT requests through the real HTTP pipeline (docs/testing.md#fuzzing,
/// docs/security.md#fuzzing). Whatever the request, the service
/// <list type="number">
/// <item>never answers 5xx (nothing here makes anything unavailable, so not even 503);</item>
/// <item>on a 4xx changes nothing of the caller or of anyone else, and answers with the problem body of
/// docs/api.md#errors;</item>
/// <item>on a 200 stores only values its own rules accept — each is read back through the domain's rule for it — and
/// answers with exactly what it stored; read-only columns stay as they were; and only the caller's own resource with
/// a valid token and a matching (or no) <c>If-Match</c> can get there.</item>
/// </list>
/// Each test runs <see cref="Cases"/> cases over several threads, each thread with a full-profile user of its own
/// whose state carries over from case to case (a user that failed a case is not reused). A failure is shrunk by CsCheck
/// and reported with its seed; <c>CLEANUSER_FUZZ_SEED=&lt;seed&gt;</c> runs that case first.
/// </summary>
public sealed class HostileRequestFuzzTests(HostileRequestFuzzTests.Fixture fixture, ITestOutputHelper output)
    : IClassFixture<HostileRequestFuzzTests.Fixture>
{
    /// <summary>Cases per test; five tests make the 10 000 of a run. <c>CLEANUSER_FUZZ_CASES</c> runs more (or fewer).</summary>
    private static readonly long Cases =
        long.TryParse(Environment.GetEnvironmentVariable("CLEANUSER_FUZZ_CASES"), CultureInfo.InvariantCulture, out var cases) ? cases : 2_000;

    private static readonly string? Seed = Environment.GetEnvironmentVariable("CLEANUSER_FUZZ_SEED") is { Length: > 0 } seed ? seed : null;

    [Fact]
    public Task Json_and_merge_patch_bodies() => RunAsync(HostileRequest.With(HostileBodies.Json));

    [Fact]
    public Task Json_patch_documents() => RunAsync(HostileRequest.With(HostileBodies.JsonPatch));

    [Fact]
    public Task Form_bodies() => RunAsync(HostileRequest.With(HostileBodies.Form));

    [Fact]
    public Task Multipart_bodies() => RunAsync(HostileRequest.With(HostileBodies.Multipart));

    [Fact]
    public Task Methods_targets_tokens_and_preconditions() => RunAsync(HostileRequest.With(HostileBodies.Any, hostileHeaders: 12));

    private Task RunAsync(Gen<HostileRequest> requests)
    {
        output.WriteLine(Seed is null ? "Random seeds; a failure names its seed (CLEANUSER_FUZZ_SEED)." : $"CLEANUSER_FUZZ_SEED={Seed}");
        return requests.SampleAsync(fixture.CheckAsync, output.WriteLine, seed: Seed, iter: Cases, threads: 4,
            print: request => request.ToString());
    }

    /// <summary>One app, one user nobody may change, and the callers the threads take turns with.</summary>
    public sealed class Fixture : IAsyncLifetime, IDisposable
    {
        private readonly ConcurrentBag<Caller> _idle = [];
        private long _other;
        private UserSnapshot? _otherBefore;
        private HttpClient? _client;

        public TestApp App { get; } = new();

        public async Task InitializeAsync()
        {
            _other = await App.CreateUserAsync(new UserBuilder().WithFullProfile());
            _otherBefore = await App.ReadUserAsync(_other);
            _client = App.Client();
        }

        public Task DisposeAsync() => Task.CompletedTask;

        public void Dispose()
        {
            _client?.Dispose();
            App.Dispose();
        }

        public async Task CheckAsync(HostileRequest request)
        {
            var caller = _idle.TryTake(out var idle) ? idle : await NewCallerAsync();
            var before = caller.Stored;
            using var message = request.ToMessage(caller.Id, caller.Token, before, _other);
            using var response = await _client!.SendAsync(message);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            var after = await App.ReadUserAsync(caller.Id);
            var answer = $"{status} {(text.Length > 1000 ? text[..1000] : text)}\nstored before: {before}";

            Assert.True(status is 200 or (>= 400 and < 500), "Property 1 (no 5xx, and 200 or 4xx): " + answer);
            if (request.Credentials == Credentials.Forged)
            {
                Assert.True(status == 401, "A forged token is refused with 401: " + answer);
            }

            if (request.Target == Target.Other)
            {
                Assert.Equal(_otherBefore, await App.ReadUserAsync(_other));
            }

            if (status == 200)
            {
                AssertAllowedToWrite(request, answer);
                using var user = JsonDocument.Parse(text);
                AssertStoredValuesKeepTheRules(before, after, user.RootElement, response, answer);
            }
            else
            {
                Assert.True(before == after, "Property 2 (a refusal changes nothing): " + answer + $"\nstored after: {after}");
                await AssertProblemBodyAsync(response, (HttpStatusCode)status);
            }

            _idle.Add(caller with { Stored = after });
        }

        private async Task<Caller> NewCallerAsync()
        {
            var id = await App.CreateUserAsync(new UserBuilder().WithFullProfile());
            return new Caller(id, App.TokenFor(id), await App.ReadUserAsync(id));
        }

        private static void AssertAllowedToWrite(HostileRequest request, string answer)
        {
            Assert.True(request.Credentials == Credentials.Valid, "Only a valid token writes: " + answer);
            Assert.True(request.Target is Target.Own or Target.OwnPadded, "Only the caller's own resource is written: " + answer);
            Assert.True(request.IfMatch is Precondition.None or Precondition.Any or Precondition.Current,
                "A stale, weak or malformed If-Match writes nothing: " + answer);
        }

        /// <summary>Property 3: every stored value is one its rule accepts unchanged, and the answer shows exactly what is stored.</summary>
        private void AssertStoredValuesKeepTheRules(UserSnapshot before, UserSnapshot after, JsonElement user, HttpResponseMessage response,
            string answer)
        {
            var context = answer + $"\nstored after: {after}";
            Assert.True(Username.TryCreate(after.Username, out var name, out _) && name.Value == after.Username, "username: " + context);
            Assert.True(Username.Normalize(after.Username) == Username.Normalize(before.Username) ||
                        !ReservedUsernames.Default.Contains(after.Username), "reserved username: " + context);
            foreach (var (rule, value) in new[]
                     {
                         (User.RealNameRule, after.RealName), (User.BioRule, after.Bio), (User.LocationRule, after.Location),
                         (User.DescriptionRule, after.Description),
                     })
            {
                Assert.True(rule.TryCreate(value, out var kept, out _) && kept.Value == value, rule.Field + ": " + context);
            }

            foreach (var point in new[] { after.LocationLatLng, after.PositionLatLng })
            {
                Assert.True(point is null || (GeoPoint.TryParse(point, out var parsed, out _) && parsed!.ToString() == point), "lat,lng: " + context);
            }

            Assert.True(after.DateOfBirth is not { } born ||
                        (BirthDate.TryParse(born.ToString(BirthDate.Format, CultureInfo.InvariantCulture), out _, out _) &&
                         BirthDate.CheckNotInFuture(born, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1)) is null), "date_of_birth: " + context);
            Assert.True(Enum.IsDefined(after.Gender), "gender: " + context);
            Assert.True(Website.TryCreate(after.Website, out var website, out _) && website.Value == after.Website, "website: " + context);
            foreach (var (key, previous) in new[] { (after.Avatar, before.Avatar), (after.Cover, before.Cover) })
            {
                Assert.True(key is null || key == previous || File.Exists(Path.Combine(App.MediaRoot, key)), "a new image is stored: " + context);
            }

            Assert.Equal(after.Id, user.GetProperty("id").GetInt64());
            Assert.Equal(
                new[]
                {
                    after.Username, after.RealName, after.Bio, after.Location, after.LocationLatLng, after.PositionLatLng,
                 after.DateOfBirth?.ToString(BirthDate.Format, CultureInfo.InvariantCulture), after.Description, after.Gender.ToString(), after.Website,
                },
                new[] { "username", "real_name", "bio", "location", "location_lat_lng", "position_lat_lng", "date_of_birth", "description", "gender", "website" }
                    .Select(field => user.GetProperty(field).GetString()));
            Assert.Equal(after.Avatar is null ? null : "/media/" + after.Avatar, MediaPath(user.GetProperty("avatar")));
            Assert.Equal(after.Cover is null ? null : "/media/" + after.Cover, MediaPath(user.GetProperty("cover")));
            Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"\"{after.Id}-{after.Version}\""), response.Headers.ETag?.ToString());

            Assert.Equal(before with
            {
                Username = after.Username, RealName = after.RealName, Avatar = after.Avatar, Bio = after.Bio, Location = after.Location,
                LocationLatLng = after.LocationLatLng, PositionLatLng = after.PositionLatLng, DateOfBirth = after.DateOfBirth,
                Description = after.Description, Gender = after.Gender, Website = after.Website, Cover = after.Cover, Version = after.Version,
            }, after);
            Assert.True(after.Version >= before.Version, "version: " + context);
        }

        private static string? MediaPath(JsonElement url) => url.ValueKind == JsonValueKind.Null ? null : new Uri(url.GetString()!).AbsolutePath;

        /// <summary>Property 2's body: docs/api.md#errors, each error either a field with messages or a code with a message.</summary>
        private static async Task AssertProblemBodyAsync(HttpResponseMessage response, HttpStatusCode status)
        {
            var problem = await response.ReadProblemAsync(status);
            Assert.StartsWith("urn:cleanuser:problem:", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
            foreach (var error in problem.GetProperty("errors").EnumerateArray())
            {
                if (error.TryGetProperty("field", out var field))
                {
                    Assert.Equal(JsonValueKind.String, field.ValueKind);
                    Assert.NotEqual(0, error.GetProperty("messages").GetArrayLength());
                    foreach (var message in error.GetProperty("messages").EnumerateArray())
                    {
                        Assert.False(string.IsNullOrEmpty(message.GetProperty("code").GetString()));
                        Assert.False(string.IsNullOrEmpty(message.GetProperty("message").GetString()));
                    }
                }
                else
                {
                    Assert.False(string.IsNullOrEmpty(error.GetProperty("code").GetString()));
                    Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
                }
            }
        }
    }

    /// <summary>A user a thread acts as: its id, its token, and its state as stored after its last case.</summary>
    private sealed record Caller(long Id, string Token, UserSnapshot Stored);
}
