using System.Text.Json;
using CleanUser.WebApi.Infrastructure;

namespace CleanUser.WebApi.Users;

/// <summary>
/// The JSON parser accepts strings that are not text — invalid UTF-8 bytes, an escaped lone surrogate
/// (<c>"\ud800"</c>) — and fails only when one is read. Reading every string (and name) once up front turns that
/// into a 400 <c>parse_error</c> instead of a failure deep inside the request.
/// </summary>
public static class JsonText
{
    public static void EnsureReadable(JsonElement element)
    {
        try
        {
            Visit(element);
        }
        catch (InvalidOperationException exception)
        {
            throw RequestRejectedException.ParseError($"JSON parse error - {exception.Message}");
        }
    }

    private static void Visit(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                _ = element.GetString();
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    Visit(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Visit(item);
                }

                break;
        }
    }
}
