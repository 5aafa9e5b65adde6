using System.Text.Json;
using CleanUser.Application.Audit;
using CleanUser.Domain.Users.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanUser.Infrastructure.Audit;

/// <summary>
/// <c>AuditEntries</c>: one row per change, its fields as one JSON text column (<c>[{"field","old","new"}]</c>), so a
/// change is one INSERT whatever it touched. Indexed for a user's history (newest first) and for the retention sweep.
/// </summary>
public sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public const string UserHistoryIndex = "IX_AuditEntries_UserId_Id";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("AuditEntries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Actor).HasMaxLength(32).IsRequired();
        builder.Property(e => e.Channel).HasMaxLength(16).IsRequired();
        builder.Property(e => e.RequestId).HasMaxLength(ChangeOrigin.MaxRequestIdLength);
        builder.Property(e => e.ClientIp).HasMaxLength(ChangeOrigin.MaxClientIpLength);
        builder.Property(e => e.UserAgent).HasMaxLength(ChangeOrigin.MaxUserAgentLength);
        builder.Property(e => e.Changes).IsRequired().HasConversion(
            changes => Write(changes),
            json => Read(json),
            new ValueComparer<IReadOnlyList<FieldChange>>(
                (a, b) => a!.SequenceEqual(b!),
                changes => changes.Aggregate(0, (hash, change) => HashCode.Combine(hash, change)),
                changes => changes.ToList()));
        builder.HasIndex(e => new { e.UserId, e.Id }).HasDatabaseName(UserHistoryIndex);
        builder.HasIndex(e => e.At);
    }

    private static string Write(IReadOnlyList<FieldChange> changes) => JsonSerializer.Serialize(changes, Json);

    private static List<FieldChange> Read(string json) => JsonSerializer.Deserialize<List<FieldChange>>(json, Json) ?? [];
}
