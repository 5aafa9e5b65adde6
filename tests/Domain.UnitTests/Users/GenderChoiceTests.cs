using CleanUser.Domain.Common;
using CleanUser.Domain.Users;

namespace CleanUser.Domain.UnitTests.Users;

public class GenderChoiceTests
{
    [Theory]
    [InlineData("male", Gender.Male)]
    [InlineData("Male", Gender.Male)]
    [InlineData("FEMALE", Gender.Female)]
    [InlineData("female", Gender.Female)]
    [InlineData("Unspecified", Gender.Unspecified)]
    [InlineData("unspecified", Gender.Unspecified)]
    [InlineData(" Female ", Gender.Female)]
    public void The_three_choices_are_accepted_case_insensitively(string raw, Gender expected)
    {
        Assert.True(GenderChoice.TryParse(raw, out var gender, out var violation));

        Assert.Null(violation);
        Assert.Equal(expected, gender);
    }

    [Theory]
    [InlineData("male", "Male")]
    [InlineData("FEMALE", "Female")]
    [InlineData("unSpecified", "Unspecified")]
    public void A_choice_is_stored_in_its_canonical_spelling(string raw, string canonical) =>
        Assert.Equal(canonical, GenderChoice.Parse(raw).ToString());

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("2")]
    [InlineData("-1")]
    [InlineData("Male,Female")]
    [InlineData("Male, Female")]
    [InlineData("other")]
    [InlineData("m")]
    [InlineData("")]
    [InlineData(" ")]
    public void Anything_else_is_an_invalid_choice(string raw)
    {
        Assert.False(GenderChoice.TryParse(raw, out _, out var violation));

        Assert.Equal(RuleCodes.InvalidChoice, violation!.Code);
    }

    [Fact]
    public void Parse_throws_for_the_gender_field()
    {
        var exception = Assert.Throws<InvalidValueException>(() => GenderChoice.Parse("other"));

        Assert.Equal(UserFields.Gender, exception.Field);
        Assert.Equal(RuleCodes.InvalidChoice, exception.Violation.Code);
    }
}
