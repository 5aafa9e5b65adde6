using System.Net;
using CleanUser.Tests.Support;
using CleanUser.WebApi.Users;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Users;

/// <summary>
/// docs/operations.md#memory: writes with a body over 1 MiB take turns (as many at once as there are processors, 64
/// waiting, then 503); small writes never wait for them.
/// </summary>
public sealed class LargeBodyTests(TestApp app) : IClassFixture<TestApp>
{
    private readonly TestApp _app = app;

    /// <summary>A JSON body of <paramref name="bytes"/> that changes the bio (the rest is spaces).</summary>
    private static HttpContent BioBody(string bio, int bytes)
    {
        var json = $"{{\"bio\": \"{bio}\"}}";
        return Api.Raw(json + new string(' ', bytes - json.Length), "application/json");
    }

    [Fact]
    public async Task A_large_write_waits_for_a_slot_while_a_small_write_does_not()
    {
        var slots = _app.Services.GetRequiredService<LargeBodySlots>();
        var big = await _app.CreateUserAsync();
        var small = await _app.CreateUserAsync();
        using var bigClient = _app.ClientFor(big);
        using var smallClient = _app.ClientFor(small);

        var held = new List<IDisposable>();
        for (var i = 0; i < Environment.ProcessorCount; i++)
        {
            held.Add(await slots.EnterAsync(CancellationToken.None));
        }

        Task<HttpResponseMessage> waiting;
        try
        {
            waiting = bigClient.PatchAsync(big, BioBody("large", 2 * 1024 * 1024));
            while (slots.Waiting == 0)
            {
                Assert.False(waiting.IsCompleted, "The large write did not wait for a slot.");
                await Task.Delay(10);
            }

            using var quick = await smallClient.PatchJsonAsync(small, new { bio = "small" });
            Assert.Equal(HttpStatusCode.OK, quick.StatusCode);
            Assert.False(waiting.IsCompleted);
        }
        finally
        {
            held.ForEach(slot => slot.Dispose());
        }

        using var response = await waiting;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("large", (await _app.ReadUserAsync(big)).Bio);
    }

    [Fact]
    public async Task With_every_slot_taken_and_the_line_full_a_large_write_is_503_with_retry_after_and_changes_nothing()
    {
        var slots = _app.Services.GetRequiredService<LargeBodySlots>();
        var id = await _app.CreateUserAsync();
        var before = await _app.ReadUserAsync(id);
        using var client = _app.ClientFor(id);
        using var stop = new CancellationTokenSource();

        var held = new List<IDisposable>();
        for (var i = 0; i < Environment.ProcessorCount; i++)
        {
            held.Add(await slots.EnterAsync(CancellationToken.None));
        }

        var line = Enumerable.Range(0, 64).Select(_ => slots.EnterAsync(stop.Token)).ToList();
        try
        {
            using var response = await client.PatchAsync(id, BioBody("refused", 2 * 1024 * 1024));

            await response.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable");
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal(before, await _app.ReadUserAsync(id));
        }
        finally
        {
            await stop.CancelAsync();
            held.ForEach(slot => slot.Dispose());
            await Task.WhenAll(line.Select(async t =>
            {
                try
                {
                    (await t).Dispose();
                }
                catch (OperationCanceledException)
                {
                }
            }));
        }
    }
}
