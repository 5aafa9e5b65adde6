using System.Globalization;

namespace CleanUser.Application.Users.Commands.JsonPatchUser;

/// <summary>
/// The problems of one JSON Patch document, as the error body reports them (docs/json-patch.md#errors): each names
/// its operation, at most <see cref="MaxReported"/> are written out, each cut to <see cref="MaxMessageLength"/>
/// characters, and the rest are only counted — so the body stays small however many operations fail and however
/// long the values they echo are.
/// </summary>
public sealed class PatchProblems
{
    public const int MaxReported = 10;

    public const int MaxMessageLength = 200;

    private readonly List<string> _reported = [];

    /// <summary>How many problems there were, reported or not.</summary>
    public int Count { get; private set; }

    /// <summary>The first <see cref="MaxReported"/> problems, and then how many more there were.</summary>
    public IReadOnlyList<string> Reported => Count > MaxReported
        ? [.. _reported, string.Create(CultureInfo.InvariantCulture, $"And {Count - MaxReported} more operations failed.")]
        : _reported;

    /// <summary>Adds the problem of operation <paramref name="index"/>; only the first ones are formatted.</summary>
    public void Add(int index, string? op, string? path, string problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (++Count <= MaxReported)
        {
            _reported.Add(string.Create(CultureInfo.InvariantCulture, $"Operation {index} ({op} {Cut(path)}): {Cut(problem)}"));
        }
    }

    private static string? Cut(string? text)
    {
        if (text is null || text.Length <= MaxMessageLength)
        {
            return text;
        }

        // Never cut a surrogate pair in two.
        var length = char.IsHighSurrogate(text[MaxMessageLength - 1]) ? MaxMessageLength - 1 : MaxMessageLength;
        return string.Concat(text.AsSpan(0, length), "…");
    }
}
