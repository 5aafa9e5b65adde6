using CleanUser.Domain.Common;
using CleanUser.Domain.Users;

namespace CleanUser.Domain.UnitTests.Users;

public class WebsiteTests
{
    private const string Prefix = "https://example.com/";

    [Theory]
    [InlineData("http://example.com")]
    [InlineData("https://example.com")]
    [InlineData("https://example.com/")]
    [InlineData("HTTPS://Example.com/Path?q=1#frag")]
    [InlineData("https://sub.example.co.uk:8443/a/b")]
    [InlineData("http://localhost")]
    [InlineData("http://127.0.0.1:8080")]
    public void An_absolute_http_or_https_url_with_a_host_is_valid(string raw)
    {
        Assert.True(Website.TryCreate(raw, out var website, out var violation));

        Assert.Null(violation);
        Assert.Equal(raw, website.Value);
    }

    [Fact]
    public void A_website_is_text_of_the_website_field() =>
        Assert.Equal(UserFields.Website, Website.Create("https://example.com").Field);

    [Fact]
    public void Website_is_trimmed() => Assert.Equal("https://example.com", Website.Create("  https://example.com \n").Value);

    [Theory]
    [InlineData("ftp://x")]
    [InlineData("ftp://example.com")]
    [InlineData("example.com")]
    [InlineData("www.example.com")]
    [InlineData("/relative/path")]
    [InlineData("http://")]
    [InlineData("https://")]
    [InlineData("javascript:alert(1)")]
    [InlineData("mailto:alice@example.com")]
    [InlineData("file:///etc/passwd")]
    [InlineData("data:text/html,hi")]
    [InlineData("http://exa mple.com")]
    [InlineData("https://example.com/a b")]
    [InlineData("https://example.com/\tb")]
    [InlineData("https://a.example/\0")]
    [InlineData("not a url")]
    public void Anything_but_an_absolute_http_url_with_a_host_is_invalid(string raw)
    {
        Assert.False(Website.TryCreate(raw, out var website, out var violation));

        Assert.Null(website);
        Assert.Equal(RuleCodes.Invalid, violation.Code);
    }

    [Fact]
    public void Website_of_200_characters_is_valid()
    {
        var url = Prefix + new string('a', 200 - Prefix.Length);

        Assert.Equal(200, url.Length);
        Assert.True(Website.TryCreate(url, out _, out _));
    }

    [Fact]
    public void Website_length_is_counted_after_trimming() =>
        Assert.True(Website.TryCreate("  " + Prefix + new string('a', 200 - Prefix.Length) + "  ", out _, out _));

    [Fact]
    public void Website_of_201_characters_is_too_long()
    {
        var url = Prefix + new string('a', 201 - Prefix.Length);

        Assert.False(Website.TryCreate(url, out _, out var violation));

        Assert.Equal(RuleCodes.MaxLength, violation.Code);
        Assert.Equal("Ensure this field has no more than 200 characters.", violation.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Empty_website_clears_it(string? raw)
    {
        Assert.True(Website.TryCreate(raw, out var website, out var violation));

        Assert.Null(violation);
        Assert.Equal(string.Empty, website.Value);
        Assert.Equal(UserFields.Website, website.Field);
    }

    [Theory]
    [InlineData("ftp://alice.example", RuleCodes.Invalid)]
    [InlineData("https://a.example/\0", RuleCodes.Invalid)]
    public void Create_throws_for_the_website_field(string raw, string code)
    {
        var exception = Assert.Throws<InvalidValueException>(() => Website.Create(raw));

        Assert.Equal(UserFields.Website, exception.Field);
        Assert.Equal(code, exception.Violation.Code);
    }
}
