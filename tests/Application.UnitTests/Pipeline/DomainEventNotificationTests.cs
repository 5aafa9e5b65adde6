using CleanUser.Application.Common.Messaging;
using CleanUser.Application.Common.Security;
using CleanUser.Domain.Users.Events;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.Application.UnitTests.Pipeline;

public class DomainEventNotificationTests
{
    private static readonly UserAvatarChanged AvatarChanged =
        new(7, "avatars/old.jpg", null, new DateTimeOffset(2025, 6, 7, 8, 9, 10, TimeSpan.Zero));

    [Fact]
    public void For_wraps_the_event_in_a_notification_of_its_runtime_type()
    {
        var notification = DomainEventNotification.For(AvatarChanged);

        var typed = Assert.IsType<DomainEventNotification<UserAvatarChanged>>(notification);
        Assert.Same(AvatarChanged, typed.DomainEvent);
    }

    [Fact]
    public void For_refuses_null() => Assert.Throws<ArgumentNullException>(() => DomainEventNotification.For(null!));

    [Fact]
    public async Task Publishing_a_wrapped_event_reaches_the_handler_registered_for_its_type()
    {
        var avatarHandler = new RecordingHandler<UserAvatarChanged>();
        var coverHandler = new RecordingHandler<UserCoverChanged>();
        using var app = new ApplicationContainer(services =>
        {
            services.AddSingleton<INotificationHandler<DomainEventNotification<UserAvatarChanged>>>(avatarHandler);
            services.AddSingleton<INotificationHandler<DomainEventNotification<UserCoverChanged>>>(coverHandler);
        });
        using var scope = app.As(Caller.System);

        // The static type is INotification, as it is for whoever delivers events from the outbox.
        INotification notification = DomainEventNotification.For(AvatarChanged);
        await scope.Mediator.Publish(notification);

        Assert.Equal([AvatarChanged], avatarHandler.Received);
        Assert.Empty(coverHandler.Received);
    }

    private sealed class RecordingHandler<TEvent> : INotificationHandler<DomainEventNotification<TEvent>>
        where TEvent : CleanUser.Domain.Common.IDomainEvent
    {
        public List<TEvent> Received { get; } = [];

        public Task Handle(DomainEventNotification<TEvent> notification, CancellationToken cancellationToken)
        {
            Received.Add(notification.DomainEvent);
            return Task.CompletedTask;
        }
    }
}
