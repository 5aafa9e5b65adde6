using CleanUser.Domain.Common;

namespace CleanUser.Domain.Users;

/// <summary>
/// The profile fields one update sets; absent fields stay as they are. Text values are raw (the aggregate
/// trims and checks them); the other values are already typed, <c>null</c> meaning "none".
/// </summary>
public sealed record ProfileChanges
{
    public Optional<string?> RealName { get; init; }

    public Optional<string?> Bio { get; init; }

    public Optional<string?> Location { get; init; }

    public Optional<GeoPoint?> LocationLatLng { get; init; }

    public Optional<GeoPoint?> PositionLatLng { get; init; }

    public Optional<DateOnly?> DateOfBirth { get; init; }

    public Optional<string?> Description { get; init; }

    public Optional<Gender> Gender { get; init; }

    public Optional<string?> Website { get; init; }
}
