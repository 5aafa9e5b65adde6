using CleanUser.Infrastructure.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanUser.Infrastructure.Persistence.Configurations;

// The webhook tables (docs/adr/0020-webhooks.md). Times are UTC DateTime, as in the outbox: SQLite compares and orders those.

public sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("WebhookEndpoints");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.Property(e => e.Target).HasMaxLength(WebhookEndpoint.MaxTargetLength).IsRequired();
        builder.Property(e => e.Events).HasMaxLength(255).IsRequired();
        builder.Property(e => e.Description).HasMaxLength(WebhookEndpoint.MaxDescriptionLength).IsRequired();
        builder.Property(e => e.Secret).HasMaxLength(100).IsRequired();
        builder.Ignore(e => e.EventTypes);
    }
}

public sealed class WebhookEventConfiguration : IEntityTypeConfiguration<WebhookEvent>
{
    public void Configure(EntityTypeBuilder<WebhookEvent> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("WebhookEvents");
        builder.HasKey(e => e.Id);
        // The outbox row's id: set by the fan-out, never generated; a second fan-out of one row fails on it.
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Type).HasMaxLength(100).IsRequired();
        builder.Property(e => e.Body).IsRequired();
        // The purge finds the events past the retention period without reading the rest.
        builder.HasIndex(e => e.CreatedAt);
    }
}

public sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("WebhookDeliveries");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).ValueGeneratedOnAdd();
        builder.Property(d => d.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.LockedBy).HasMaxLength(100);
        builder.HasOne(d => d.Event).WithMany().HasForeignKey(d => d.EventId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(d => d.Endpoint).WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);

        builder.HasIndex(d => new { d.EventId, d.EndpointId }).IsUnique();
        // The order check: an earlier pending event of the same user to the same endpoint.
        builder.HasIndex(d => new { d.EndpointId, d.UserId, d.EventId });
        builder.HasIndex(d => d.NextAttemptAt).HasFilter("\"State\" = 'Pending'").HasDatabaseName("IX_WebhookDeliveries_Pending");
    }
}

public sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("WebhookAttempts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedOnAdd();
        builder.Property(a => a.Error).HasMaxLength(WebhookAttempt.MaxErrorLength);
        builder.HasOne<WebhookDelivery>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        // webhook deliveries ID: an endpoint's attempts, newest first.
        builder.HasIndex(a => new { a.EndpointId, a.Id });
    }
}
