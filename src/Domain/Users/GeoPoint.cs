using System.Globalization;
using CleanUser.Domain.Common;

namespace CleanUser.Domain.Users;

/// <summary>A <c>lat,lng</c> pair (docs/api.md#fields), stored in its normalised text form, e.g. <c>45.4642,9.19</c>.</summary>
public sealed record GeoPoint
{
    private const NumberStyles Number = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint |
                                        NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite;

    private GeoPoint(double latitude, double longitude)
    {
        Latitude = latitude;
        Longitude = longitude;
    }

    public double Latitude { get; }

    public double Longitude { get; }

    public static bool TryParse(string raw, out GeoPoint? point, out RuleViolation? violation)
    {
        point = null;
        violation = RuleViolation.Invalid(
            "Enter coordinates as 'lat,lng' with -90 <= lat <= 90 and -180 <= lng <= 180.");
        var parts = raw.Split(',');
        if (parts.Length != 2
            || !double.TryParse(parts[0], Number, CultureInfo.InvariantCulture, out var lat)
            || !double.TryParse(parts[1], Number, CultureInfo.InvariantCulture, out var lng)
            // Written as "not in range" so NaN (which double.TryParse accepts) fails too.
            || lat is not (>= -90 and <= 90)
            || lng is not (>= -180 and <= 180))
        {
            return false;
        }

        // +0.0 and -0.0 are the same place; keep one spelling.
        point = new GeoPoint(lat == 0 ? 0 : lat, lng == 0 ? 0 : lng);
        violation = null;
        return true;
    }

    public static GeoPoint Parse(string raw, string field) =>
        TryParse(raw, out var point, out var violation) ? point! : throw new InvalidValueException(field, violation!);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Latitude},{Longitude}");
}
