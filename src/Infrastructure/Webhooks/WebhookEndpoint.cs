using System.Buffers.Text;
using System.Security.Cryptography;

namespace CleanUser.Infrastructure.Webhooks;

/// <summary>
/// Where an integrator receives events (docs/webhooks.md): the target URL, the event types it subscribes to, and the
/// secret its deliveries are signed with. Added and removed by operators only (docs/security.md#webhooks). Removing
/// one deactivates it: its history stays, nothing more is sent to it.
/// </summary>
public sealed class WebhookEndpoint
{
    public const int MaxTargetLength = 2000;

    public const int MaxDescriptionLength = 500;

    private WebhookEndpoint()
    {
        Target = null!;
        Events = null!;
        Description = string.Empty;
        Secret = null!;
    }

    public long Id { get; private set; }

    public string Target { get; private set; }

    /// <summary>The subscribed event types (<see cref="WebhookEventTypes"/>), separated by spaces.</summary>
    public string Events { get; private set; }

    public string Description { get; private set; }

    /// <summary>The HMAC key of <see cref="WebhookSignature"/>: 32 random bytes, base64url. Shown to the operator once.</summary>
    public string Secret { get; private set; }

    public bool IsActive { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public IReadOnlyList<string> EventTypes => Events.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static WebhookEndpoint Create(Uri target, IReadOnlyCollection<string> events, string? description, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(events);
        return new WebhookEndpoint
        {
            Target = target.AbsoluteUri,
            Events = string.Join(' ', events.Distinct(StringComparer.Ordinal)),
            Description = description?.Trim() ?? string.Empty,
            Secret = NewSecret(),
            IsActive = true,
            CreatedAt = now.UtcDateTime,
        };
    }

    /// <summary>
    /// docs/security.md#webhooks: an absolute <c>http</c>/<c>https</c> URL with a host, without credentials in it (they
    /// would be shown by <c>webhook list</c>), at most <see cref="MaxTargetLength"/> characters.
    /// </summary>
    public static bool TryParseTarget(string? text, out Uri? target)
    {
        target = null;
        if (text is null || text.Length > MaxTargetLength ||
            !Uri.TryCreate(text, UriKind.Absolute, out var uri) ||
            uri.Scheme is not ("http" or "https") || uri.Host.Length == 0 || uri.UserInfo.Length > 0)
        {
            return false;
        }

        target = uri;
        return true;
    }

    public bool Subscribes(string eventType) => EventTypes.Contains(eventType, StringComparer.Ordinal);

    /// <summary>A new secret; deliveries from now on are signed with it (a retry of an older event too).</summary>
    public void RotateSecret() => Secret = NewSecret();

    public void Deactivate() => IsActive = false;

    private static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
