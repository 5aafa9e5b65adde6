using CleanUser.Domain.Common;
using CleanUser.Domain.Users;

namespace CleanUser.Domain.UnitTests.Users;

public class GeoPointTests
{
    [Theory]
    [InlineData("45.4642, 9.19", "45.4642,9.19")]
    [InlineData("45.4642,9.19", "45.4642,9.19")]
    [InlineData(" 45.4642 , 9.19 ", "45.4642,9.19")]
    [InlineData("45.46420,9.190", "45.4642,9.19")]
    [InlineData("+45.4642,+9.19", "45.4642,9.19")]
    [InlineData("-33.8688,151.2093", "-33.8688,151.2093")]
    [InlineData("0,0", "0,0")]
    [InlineData("1,2", "1,2")]
    [InlineData(".5,-.5", "0.5,-0.5")]
    public void Valid_coordinates_are_stored_normalised(string raw, string normalised)
    {
        Assert.True(GeoPoint.TryParse(raw, out var point, out var violation));

        Assert.Null(violation);
        Assert.Equal(normalised, point!.ToString());
    }

    [Fact]
    public void Latitude_and_longitude_are_kept_as_numbers()
    {
        var point = GeoPoint.Parse("45.4642, 9.19", UserFields.LocationLatLng);

        Assert.Equal(45.4642, point.Latitude);
        Assert.Equal(9.19, point.Longitude);
    }

    [Theory]
    [InlineData("90,180")]
    [InlineData("-90,-180")]
    [InlineData("90,-180")]
    [InlineData("-90,180")]
    [InlineData("90.0,180.000")]
    public void Coordinates_on_the_boundaries_are_valid(string raw) =>
        Assert.True(GeoPoint.TryParse(raw, out _, out _));

    [Theory]
    [InlineData("90.0001,0")]
    [InlineData("-90.0001,0")]
    [InlineData("0,180.0001")]
    [InlineData("0,-180.5")]
    [InlineData("91,9")]
    [InlineData("abc")]
    [InlineData("abc,def")]
    [InlineData("45.4642")]
    [InlineData("1,2,3")]
    [InlineData("1e1,2")]
    [InlineData("1,2e0")]
    [InlineData("NaN,0")]
    [InlineData("0,NaN")]
    [InlineData("Infinity,0")]
    [InlineData("0,-Infinity")]
    [InlineData("∞,0")]
    [InlineData(",")]
    [InlineData(",9.19")]
    [InlineData("45.4642,")]
    [InlineData(" ,9.19")]
    [InlineData("")]
    [InlineData("45;9")]
    [InlineData("45,4642;9,19")]
    [InlineData("0x10,0")]
    [InlineData("1,000.5,2")]
    [InlineData("(45.4642,9.19)")]
    public void Malformed_or_out_of_range_coordinates_are_invalid(string raw)
    {
        Assert.False(GeoPoint.TryParse(raw, out var point, out var violation));

        Assert.Null(point);
        Assert.Equal(RuleCodes.Invalid, violation!.Code);
    }

    [Theory]
    [InlineData("-0,0", "0,0")]
    [InlineData("0,-0", "0,0")]
    [InlineData("-0.0,-0.000", "0,0")]
    public void Negative_zero_is_normalised_to_zero(string raw, string normalised) =>
        Assert.Equal(normalised, GeoPoint.Parse(raw, UserFields.LocationLatLng).ToString());

    [Fact]
    public void Same_place_written_differently_is_the_same_point() =>
        Assert.Equal(GeoPoint.Parse("45.46420, 9.190", UserFields.LocationLatLng),
            GeoPoint.Parse("45.4642,9.19", UserFields.LocationLatLng));

    [Fact]
    public void Normalised_form_does_not_depend_on_the_current_culture()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("it-IT");

            Assert.Equal("45.4642,9.19", GeoPoint.Parse("45.4642,9.19", UserFields.LocationLatLng).ToString());
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData(UserFields.LocationLatLng)]
    [InlineData(UserFields.PositionLatLng)]
    public void Parse_throws_for_the_named_field(string field)
    {
        var exception = Assert.Throws<InvalidValueException>(() => GeoPoint.Parse("100,0", field));

        Assert.Equal(field, exception.Field);
        Assert.Equal(RuleCodes.Invalid, exception.Violation.Code);
    }
}
