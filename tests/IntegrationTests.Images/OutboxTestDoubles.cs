using System.Collections.Concurrent;
using System.Data.Common;
using CleanUser.Application.Common.Messaging;
using CleanUser.Domain.Users.Events;
using MediatR;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CleanUser.IntegrationTests.Images;

/// <summary>A handler that fails its first call, as a handler with a passing outage would.</summary>
public sealed class FlakyAvatarHandler : INotificationHandler<DomainEventNotification<UserAvatarChanged>>
{
    public const string Failure = "flaky handler failed on purpose";
    private int _calls;

    public int Calls => _calls;

    public Task Handle(DomainEventNotification<UserAvatarChanged> notification, CancellationToken cancellationToken) =>
        Interlocked.Increment(ref _calls) == 1 ? throw new InvalidOperationException(Failure) : Task.CompletedTask;
}

/// <summary>Counts deliveries per event; one instance is shared by several hosts to see who delivered what.</summary>
public sealed class CountingAvatarHandler : INotificationHandler<DomainEventNotification<UserAvatarChanged>>
{
    public ConcurrentDictionary<(long UserId, string? NewAvatar), int> Deliveries { get; } = new();

    public Task Handle(DomainEventNotification<UserAvatarChanged> notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        Deliveries.AddOrUpdate((notification.DomainEvent.UserId, notification.DomainEvent.NewAvatar), 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}

/// <summary>Makes the next commit fail, as a database that goes away between the writes and the commit would.</summary>
public sealed class FailingCommitInterceptor : DbTransactionInterceptor
{
    public bool Armed { get; set; }

    public override ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction,
        TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
        Armed ? throw new InvalidOperationException("simulated database failure at commit") : ValueTask.FromResult(result);
}
