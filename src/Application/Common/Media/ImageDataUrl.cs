namespace CleanUser.Application.Common.Media;

/// <summary>
/// The <c>avatar_base64</c> / <c>cover_base64</c> text of docs/api.md#fields: <c>image/png;base64,&lt;data&gt;</c>, with or
/// without a leading <c>data:</c>. The declared type is not trusted (the format is sniffed from the bytes later),
/// and bare base64 without a prefix is accepted too.
/// </summary>
public static class ImageDataUrl
{
    public static bool TryDecode(string text, out byte[] content)
    {
        ArgumentNullException.ThrowIfNull(text);
        content = [];
        var data = text.AsSpan().Trim();
        if (data.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            data = data[5..];
        }

        var comma = data.IndexOf(',');
        if (comma >= 0)
        {
            if (!data[..comma].TrimEnd().EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            data = data[(comma + 1)..];
        }

        var buffer = new byte[data.Length / 4 * 3 + 3];
        if (data.IsEmpty || !Convert.TryFromBase64Chars(data, buffer, out var written) || written == 0)
        {
            return false;
        }

        content = buffer[..written];
        return true;
    }
}
