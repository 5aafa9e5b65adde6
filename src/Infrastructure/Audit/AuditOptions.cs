namespace CleanUser.Infrastructure.Audit;

/// <summary><c>Audit:*</c> (docs/operations.md#configuration).</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>Days an entry is kept; <c>0</c>: forever. Client addresses and user agents go with their entries.</summary>
    public int RetentionDays { get; set; } = 365;

    /// <summary>Refuses settings the service cannot run with, naming the key.</summary>
    public void EnsureUsable()
    {
        if (RetentionDays < 0)
        {
            throw new InvalidOperationException($"{Section}:{nameof(RetentionDays)} must be 0 (keep forever) or a number of days, not {RetentionDays}.");
        }
    }
}
