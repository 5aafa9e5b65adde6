using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanUser.FunctionalTests.Webhooks;

/// <summary>
/// An integrator's receiver, for real: Kestrel on a free loopback port, outside the service. Every request is verified
/// the way SelfCommunity's webhook docs tell receivers to (<see cref="Verify"/>), with the secret <c>webhook add</c>
/// printed. It answers what <see cref="AnswerNext"/> lined up, then 200; a 301 points at a path of its own, which
/// counts the requests that followed it.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public const string HookPath = "/hooks/cleanuser";

    /// <summary>How far <c>t</c> may be from the receiver's clock.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private readonly WebApplication _host;
    private readonly ConcurrentQueue<int> _answers = new();
    private readonly List<Received> _received = [];
    private int _redirectsFollowed;

    private WebhookReceiver(WebApplication host) => _host = host;

    /// <summary>The secret to verify with (what <c>webhook add</c> or <c>rotate-secret</c> printed).</summary>
    public string Secret { get; set; } = string.Empty;

    /// <summary>The target to register: the hook path, with a query an integrator might use.</summary>
    public Uri Target => new(Address, HookPath + "?source=cleanuser");

    public IReadOnlyList<Received> Requests
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    public int RedirectsFollowed => Volatile.Read(ref _redirectsFollowed);

    /// <summary>How long each request waits for its answer: a slow receiver keeps deliveries claimed for longer.</summary>
    public TimeSpan Delay { get; set; }

    private Uri Address => new(_host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var host = builder.Build();
        var receiver = new WebhookReceiver(host);
        host.MapPost(HookPath, receiver.ReceiveAsync);
        host.Map("/moved", () =>
        {
            Interlocked.Increment(ref receiver._redirectsFollowed);
            return Results.Ok();
        });
        await host.StartAsync();
        return receiver;
    }

    /// <summary>The next requests are answered with these statuses, in order.</summary>
    public void AnswerNext(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _answers.Enqueue(status);
        }
    }

    /// <summary>
    /// SelfCommunity's recipe: split the header on <c>,</c>, take <c>t</c> and <c>v1</c>, HMAC-SHA256 with the secret
    /// over <c>t.body</c>, compare in constant time, and refuse a <c>t</c> too far from now.
    /// </summary>
    public static bool Verify(string? header, byte[] body, string secret, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(body);
        string? t = null, v1 = null;
        foreach (var part in (header ?? string.Empty).Split(','))
        {
            var pair = part.Split('=', 2);
            if (pair.Length == 2 && pair[0].Trim() == "t")
            {
                t = pair[1].Trim();
            }
            else if (pair.Length == 2 && pair[0].Trim() == "v1")
            {
                v1 = pair[1].Trim();
            }
        }

        if (t is null || v1 is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp) ||
            Math.Abs(now.ToUnixTimeSeconds() - timestamp) > Tolerance.TotalSeconds)
        {
            return false;
        }

        byte[] signed = [.. Encoding.UTF8.GetBytes(t + "."), .. body];
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        try
        {
            return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(v1));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private async Task ReceiveAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var signature = context.Request.Headers["SelfCommunity-Signature"].ToString();
        var status = _answers.TryDequeue(out var scripted) ? scripted : StatusCodes.Status200OK;
        lock (_received)
        {
            _received.Add(new Received(body, signature, Verify(signature, body, Secret, DateTimeOffset.UtcNow),
                context.Request.ContentType, status));
        }

        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay);
        }

        if (status == StatusCodes.Status301MovedPermanently)
        {
            context.Response.Headers.Location = "/moved";
        }

        context.Response.StatusCode = status;
    }
}

/// <summary>One request as the receiver got it, whether its signature verified, and what it answered.</summary>
public sealed record Received(byte[] Body, string Signature, bool Verified, string? ContentType, int Answered)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public long EventId => Json.GetProperty("event_id").GetInt64();

    public bool Delivered => Answered is >= 200 and < 300;
}
