using System.Diagnostics;

namespace CleanUser.Application.Common.Observability;

/// <summary>
/// docs/operations.md#observability: the service's own spans and meter share one name, <c>CleanUser</c>. The pipeline's
/// outermost behavior opens a span per request; other code (webhook deliveries) opens its spans on <see cref="Source"/>.
/// </summary>
public static class CleanUserTelemetry
{
    public const string Name = "CleanUser";

    /// <summary>The span attribute with a request's outcome: <c>handled</c>, <c>refused</c> or <c>failed</c>.</summary>
    public const string OutcomeTag = "cleanuser.outcome";

    /// <summary>The span attribute naming why a refused request was refused: the exception's type name.</summary>
    public const string ReasonTag = "cleanuser.reason";

    public static readonly ActivitySource Source = new(Name);
}
