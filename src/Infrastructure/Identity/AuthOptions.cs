using System.Text;

namespace CleanUser.Infrastructure.Identity;

/// <summary>docs/api.md#configuration <c>Auth:*</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public const int MinimumKeyBytes = 32;

    public string? SigningKey { get; set; }

    public string? Issuer { get; set; }

    public string? Audience { get; set; }

    /// <summary>Lifetime of tokens minted by the <c>token</c> verb and the start-up hint.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>The longest <c>exp - iat</c> a token may have (docs/api.md#authentication); 0 accepts any.</summary>
    public int MaxTokenLifetimeHours { get; set; } = 720;

    /// <summary><see cref="MaxTokenLifetimeHours"/>, or null when there is no limit.</summary>
    public TimeSpan? MaxTokenLifetime => MaxTokenLifetimeHours > 0 ? TimeSpan.FromHours(MaxTokenLifetimeHours) : null;

    public byte[] SigningKeyBytes() => Encoding.UTF8.GetBytes(SigningKey ?? string.Empty);

    /// <summary>
    /// Fills in the development key of the data folder under <paramref name="contentRoot"/> where allowed
    /// (<see cref="DevelopmentSigningKey"/>), and refuses to run with settings that cannot work.
    /// </summary>
    public void EnsureUsable(bool isDevelopment, string contentRoot)
    {
        if (string.IsNullOrEmpty(SigningKey) && isDevelopment)
        {
            SigningKey = DevelopmentSigningKey.LoadOrCreate(contentRoot);
        }

        if (string.IsNullOrEmpty(SigningKey))
        {
            throw new InvalidOperationException(
                "Auth:SigningKey is not configured. Set it (at least 32 bytes) through appsettings, the environment " +
                "variable Auth__SigningKey or --Auth:SigningKey; only the Development environment makes a key of its own.");
        }

        if (SigningKeyBytes().Length < MinimumKeyBytes)
        {
            throw new InvalidOperationException($"Auth:SigningKey must be at least {MinimumKeyBytes} bytes long.");
        }

        if (MaxTokenLifetimeHours < 0)
        {
            throw new InvalidOperationException("Auth:MaxTokenLifetimeHours must be 0 (no limit) or a number of hours.");
        }

        if (TokenLifetime > MaxTokenLifetime)
        {
            throw new InvalidOperationException(
                $"Auth:TokenLifetime ({TokenLifetime}) is longer than Auth:MaxTokenLifetimeHours ({MaxTokenLifetimeHours}) accepts.");
        }
    }
}
