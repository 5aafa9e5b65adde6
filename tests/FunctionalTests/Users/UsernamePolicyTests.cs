using System.Net;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Domain.Users;
using CleanUser.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Users;

/// <summary>
/// The username policy with its defaults (docs/api.md#username-policy): look-alike names are refused, a name given up
/// is held for its former holder, there is no cooldown. Names carry a suffix of their own, so the tests sharing this
/// database do not meet: <c>alice-…</c> and <c>a1ice-…</c> with the same suffix look alike.
/// </summary>
public sealed class UsernamePolicyTests(TestApp app) : IClassFixture<TestApp>
{
    public const string Taken = "A user with that username already exists.";
    public const string Similar = "A user with a similar username already exists.";

    [Theory]
    [InlineData("a1ice", Similar)]
    [InlineData("aIice", Similar)]
    [InlineData("ALICE", Taken)]
    public async Task With_alice_taken_a_look_alike_or_another_case_is_refused_as_unique(string wanted, string message)
    {
        var suffix = Suffix();
        await app.CreateUserAsync(new UserBuilder().Named("alice" + suffix));
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new { username = wanted + suffix });

        await AssertUsernameRefusedAsync(response, "unique", message);
        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task With_alice_taken_aiice_is_not_a_look_alike()
    {
        var suffix = Suffix();
        await app.CreateUserAsync(new UserBuilder().Named("alice" + suffix));
        var id = await app.CreateUserAsync();
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new { username = "aiice" + suffix });

        await response.ReadUserAsync();
        Assert.Equal("aiice" + suffix, (await app.ReadUserAsync(id)).Username);
    }

    [Fact]
    public async Task A_user_keeps_or_re_cases_their_own_name_even_when_it_looks_like_nothing_else()
    {
        var suffix = Suffix();
        var id = await app.CreateUserAsync(new UserBuilder().Named("alice" + suffix));
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        using (var kept = await client.PatchJsonAsync(id, new { username = "alice" + suffix }))
        {
            await kept.ReadUserAsync();
        }

        Assert.Equal(before, await app.ReadUserAsync(id));
        using var recased = await client.PatchJsonAsync(id, new { username = "ALICE" + suffix.ToUpperInvariant() });

        await recased.ReadUserAsync();
        // A change of case is no rename: no cooldown starts, nothing is held.
        Assert.Equal(before.Written() with { Username = "ALICE" + suffix.ToUpperInvariant() }, await app.ReadUserAsync(id));
    }

    [Fact]
    public async Task Re_casing_into_a_look_alike_of_another_users_name_is_refused()
    {
        // "aiice" is its own look; "aIice" is the same name in another case, but looks like "alice".
        var suffix = Suffix();
        await app.CreateUserAsync(new UserBuilder().Named("alice" + suffix));
        var id = await app.CreateUserAsync(new UserBuilder().Named("aiice" + suffix));
        using var client = app.ClientFor(id);

        using var response = await client.PatchJsonAsync(id, new { username = "aIice" + suffix });

        await AssertUsernameRefusedAsync(response, "unique", Similar);
        Assert.Equal("aiice" + suffix, (await app.ReadUserAsync(id)).Username);
    }

    [Fact]
    public async Task Cooldown_is_off_by_default_so_renames_follow_each_other()
    {
        var id = await app.CreateUserAsync();
        using var client = app.ClientFor(id);

        foreach (var name in new[] { UserBuilder.UniqueName("first"), UserBuilder.UniqueName("second") })
        {
            using var response = await client.PatchJsonAsync(id, new { username = name });
            await response.ReadUserAsync();
        }
    }

    [Fact]
    public async Task Users_racing_for_look_alike_names_that_nobody_has_give_exactly_one_winner_and_no_5xx()
    {
        // Every spelling looks like "lomw": l = l 1 I, o = o 0, m = m rn, w = w vv.
        var suffix = Suffix();
        var spellings = (from l in new[] { "l", "1", "I" } from o in new[] { "o", "0" } from m in new[] { "m", "rn" } from w in new[] { "w", "vv" }
            select l + o + m + w + suffix).ToList();
        var ids = new List<long>();
        foreach (var _ in spellings)
        {
            ids.Add(await app.CreateUserAsync());
        }

        using var client = app.CreateClient();
        var responses = await Task.WhenAll(ids.Zip(spellings, async (id, wanted) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Patch, Api.UserPath(id)) { Content = Api.Json(new { username = wanted }) };
            request.Headers.Authorization = new("Bearer", app.TokenFor(id));
            using var response = await client.SendAsync(request);
            return (Id: id, Wanted: wanted, Status: response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.All(responses, r => Assert.True((int)r.Status < 500, r.Body));
        var winner = Assert.Single(responses, r => r.Status == HttpStatusCode.OK);
        Assert.Equal(winner.Wanted, (await app.ReadUserAsync(winner.Id)).Username);
        foreach (var loser in responses.Where(r => r.Id != winner.Id))
        {
            Assert.Equal(HttpStatusCode.BadRequest, loser.Status);
            Assert.Contains(Similar, loser.Body, StringComparison.Ordinal);
            Assert.NotEqual(loser.Wanted, (await app.ReadUserAsync(loser.Id)).Username);
        }
    }

    [Fact]
    public async Task A_look_alike_saved_past_the_check_is_refused_by_the_database_as_similar()
    {
        var suffix = Suffix();
        await app.CreateUserAsync(new UserBuilder().Named("alice" + suffix));
        var id = await app.CreateUserAsync();

        // Past the validator, as the loser of a race would be: the unique index on the look refuses the save.
        await using var scope = app.Services.CreateAsyncScope();
        var unitOfWork = scope.ServiceProvider.GetRequiredService<IUnitOfWork>();
        var users = scope.ServiceProvider.GetRequiredService<IUserRepository>();
        var refused = await Assert.ThrowsAsync<UsernameAlreadyTakenException>(() => unitOfWork.ExecuteInTransactionAsync(async ct =>
        {
            var user = await users.GetByIdAsync(id, ct);
            user!.ChangeUsername(Username.Create("a1ice" + suffix), DateTimeOffset.UtcNow, UsernamePolicy.Default);
            await unitOfWork.SaveChangesAsync(ct);
            return 0;
        }, CancellationToken.None));

        Assert.Equal(("unique", Similar), (refused.Violation.Code, refused.Violation.Message));
        Assert.NotEqual("a1ice" + suffix, (await app.ReadUserAsync(id)).Username);
    }

    [Fact]
    public async Task A_name_given_up_is_held_for_its_former_holder_who_may_take_it_back()
    {
        var suffix = Suffix();
        var alice = await app.CreateUserAsync(new UserBuilder().Named("alice" + suffix));
        var bob = await app.CreateUserAsync();
        using var aliceClient = app.ClientFor(alice);
        using var bobClient = app.ClientFor(bob);

        using (var renamed = await aliceClient.PatchJsonAsync(alice, new { username = "alice2" + suffix }))
        {
            await renamed.ReadUserAsync();
        }

        using (var sameName = await bobClient.PatchJsonAsync(bob, new { username = "alice" + suffix }))
        {
            await AssertUsernameRefusedAsync(sameName, "unique", Taken);
        }

        using (var lookAlike = await bobClient.PatchJsonAsync(bob, new { username = "a1ice" + suffix }))
        {
            await AssertUsernameRefusedAsync(lookAlike, "unique", Similar);
        }

        using var takenBack = await aliceClient.PatchJsonAsync(alice, new { username = "alice" + suffix });

        await takenBack.ReadUserAsync();
        Assert.Equal("alice" + suffix, (await app.ReadUserAsync(alice)).Username);
    }

    /// <summary>A 400 whose only error is on <c>username</c>, with this code and message.</summary>
    internal static async Task AssertUsernameRefusedAsync(HttpResponseMessage response, string code, string message)
    {
        ArgumentNullException.ThrowIfNull(response);
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal("username", error.GetProperty("field").GetString());
        var only = Assert.Single(error.GetProperty("messages").EnumerateArray());
        Assert.Equal((code, message), (only.GetProperty("code").GetString(), only.GetProperty("message").GetString()));
    }

    /// <summary>
    /// A suffix no other test uses. Put on both names of a test, it leaves the part before it to decide whether they look
    /// alike (hex digits hold no <c>I</c>, <c>rn</c> or <c>vv</c> to run into that part).
    /// </summary>
    internal static string Suffix() => "-" + Guid.NewGuid().ToString("N");
}
