using System.Text;

namespace CleanUser.Infrastructure.Identity;

/// <summary>docs/api.md#configuration <c>Auth:*</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Used only when the environment is Development and no key is configured. Never in production.</summary>
    public const string DevelopmentSigningKey = "cleanuser-development-only-signing-key-0123456789";

    public const int MinimumKeyBytes = 32;

    public string? SigningKey { get; set; }

    public string? Issuer { get; set; }

    public string? Audience { get; set; }

    /// <summary>Lifetime of tokens minted by the <c>token</c> verb and the start-up hint.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);

    public byte[] SigningKeyBytes() => Encoding.UTF8.GetBytes(SigningKey ?? string.Empty);

    /// <summary>Fills in the development key where allowed and refuses to run without a usable key elsewhere.</summary>
    public void EnsureUsable(bool isDevelopment)
    {
        if (string.IsNullOrEmpty(SigningKey) && isDevelopment)
        {
            SigningKey = DevelopmentSigningKey;
        }

        if (string.IsNullOrEmpty(SigningKey))
        {
            throw new InvalidOperationException(
                "Auth:SigningKey is not configured. Set it (at least 32 bytes) through appsettings, the environment " +
                "variable Auth__SigningKey or --Auth:SigningKey; only the Development environment has a built-in key.");
        }

        if (SigningKeyBytes().Length < MinimumKeyBytes)
        {
            throw new InvalidOperationException($"Auth:SigningKey must be at least {MinimumKeyBytes} bytes long.");
        }
    }
}
