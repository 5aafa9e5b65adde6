using CleanUser.Domain.Common;
using CleanUser.Domain.Users;

namespace CleanUser.Domain.UnitTests.Users;

public class WebsiteTests
{
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
        Assert.True(Website.TryNormalize(raw, out var value, out var violation));

        Assert.Null(violation);
        Assert.Equal(raw, value);
    }

    [Fact]
    public void Website_is_trimmed() => Assert.Equal("https://example.com", Website.Normalize("  https://example.com \n"));

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
    [InlineData("not a url")]
    public void Anything_but_an_absolute_http_url_with_a_host_is_invalid(string raw)
    {
        Assert.False(Website.TryNormalize(raw, out _, out var violation));

        Assert.Equal(RuleCodes.Invalid, violation!.Code);
    }

    [Fact]
    public void Website_of_200_characters_is_valid()
    {
        var url = "https://example.com/" + new string('a', 200 - "https://example.com/".Length);

        Assert.Equal(200, url.Length);
        Assert.True(Website.TryNormalize(url, out _, out _));
    }

    [Fact]
    public void Website_of_201_characters_is_too_long()
    {
        var url = "https://example.com/" + new string('a', 201 - "https://example.com/".Length);

        Assert.False(Website.TryNormalize(url, out _, out var violation));

        Assert.Equal(RuleCodes.MaxLength, violation!.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Empty_website_clears_it(string? raw)
    {
        Assert.True(Website.TryNormalize(raw, out var value, out var violation));

        Assert.Null(violation);
        Assert.Equal(string.Empty, value);
    }

    [Fact]
    public void Normalize_throws_for_the_website_field()
    {
        var exception = Assert.Throws<InvalidValueException>(() => Website.Normalize("ftp://x"));

        Assert.Equal(UserFields.Website, exception.Field);
        Assert.Equal(RuleCodes.Invalid, exception.Violation.Code);
    }
}
