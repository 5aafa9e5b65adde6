using System.Collections.Frozen;
using System.Text.Json;
using CleanUser.Domain.Common;

namespace CleanUser.Infrastructure.Outbox;

/// <summary>
/// Turns an outbox row back into its event. Only the domain's own event types can be named, so a row can never
/// make the dispatcher instantiate an arbitrary type.
/// </summary>
public static class OutboxEventTypes
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    private static readonly FrozenDictionary<string, Type> Known = typeof(IDomainEvent).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IDomainEvent).IsAssignableFrom(t))
        .ToFrozenDictionary(t => t.FullName!, StringComparer.Ordinal);

    public static IDomainEvent Deserialize(string type, string payload)
    {
        if (!Known.TryGetValue(type, out var eventType))
        {
            // Perhaps written by a newer version of the service; left for an instance that knows it.
            throw new InvalidOperationException($"Unknown domain event type '{type}'.");
        }

        return (IDomainEvent)(JsonSerializer.Deserialize(payload, eventType, Json)
                              ?? throw new InvalidOperationException($"Empty payload for '{type}'."));
    }
}
