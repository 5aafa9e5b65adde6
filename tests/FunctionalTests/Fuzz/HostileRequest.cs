using System.Globalization;
using System.Text;
using CleanUser.Tests.Support;
using CsCheck;
using static CleanUser.FunctionalTests.Fuzz.HostileValues;

namespace CleanUser.FunctionalTests.Fuzz;

/// <summary>Whose resource the path names, relative to the caller.</summary>
public enum Target
{
    /// <summary><c>/api/v2/user/{own id}/</c>.</summary>
    Own,

    /// <summary>The own id with leading zeros: still the caller's own resource.</summary>
    OwnPadded,

    /// <summary><c>/api/v2/user/me/</c>, which only reads.</summary>
    Me,

    /// <summary>Another existing user, who must never change.</summary>
    Other,

    /// <summary>A path segment that names no user (<see cref="HostileRequest.RawId"/>).</summary>
    NoUser,
}

/// <summary>What the <c>Authorization</c> header holds.</summary>
public enum Credentials
{
    /// <summary>The caller's token as the service issued it, under <see cref="HostileRequest.Scheme"/>.</summary>
    Valid,

    /// <summary>No header.</summary>
    None,

    /// <summary>A token that is not a valid access token of an existing user (<see cref="HostileRequest.Forgery"/>).</summary>
    Forged,
}

/// <summary>What the <c>If-Match</c> header holds.</summary>
public enum Precondition
{
    None,
    Any,
    Current,
    Stale,
    WeakCurrent,
    Garbage,
}

/// <summary>
/// One generated request, kept as a description so that it prints readably and can be built again for any caller:
/// the caller's id and token are known only when the case runs.
/// </summary>
public sealed record HostileRequest(
    string Method,
    Target Target,
    string RawId,
    bool TrailingSlash,
    Credentials Credentials,
    string Scheme,
    int Forgery,
    int Position,
    Precondition IfMatch,
    string? IfNoneMatch,
    HostileBody Body)
{
    private const int Forgeries = 12;

    private static readonly string[] GarbageTags = ["\"", "\"x\"", "W/\"x\"", "garbage", "\"\"", ",", "\"-1\"", "\"1-99999999999999999999\""];

    /// <summary>Mostly the caller's own resource with its own valid token, so that the body decides the answer.</summary>
    public static Gen<HostileRequest> With(Gen<HostileBody> body, int hostileHeaders = 1) => Gen.Select(
        Gen.Select(
            Mix((3, Gen.Const("PATCH")), (1, Gen.Const("PUT"))),
            Mix((16, Gen.Const(Target.Own)), (hostileHeaders, Gen.OneOf(Target.OwnPadded, Target.Me, Target.Other, Target.NoUser))),
            Gen.OneOf("0", "-1", "abc", "1e3", "+1", "%20", "9223372036854775807", "9223372036854775808", "١", "me%7F", "..", "1.0", "ME", "%2F"),
            Gen.Bool),
        Gen.Select(
            Mix((16, Gen.Const(Credentials.Valid)), (hostileHeaders, Gen.Const(Credentials.None)), (2 * hostileHeaders, Gen.Const(Credentials.Forged))),
            Gen.OneOf("Bearer", "Token", "bearer", "TOKEN", "Bearer "),
            Gen.Int[0, Forgeries - 1],
            Gen.Int[0, int.MaxValue]),
        Mix((16, Gen.Const(Precondition.None)), (hostileHeaders, Gen.OneOf(Precondition.Any, Precondition.Current, Precondition.Stale,
            Precondition.WeakCurrent, Precondition.Garbage))),
        Mix((16, Gen.Const((string?)null)), (hostileHeaders, Gen.OneOf<string?>("*", "\"x\"", "garbage", "W/\"1\""))),
        body,
        (route, auth, ifMatch, ifNoneMatch, content) => new HostileRequest(route.Item1, route.Item2, route.Item3, route.Item4,
            auth.Item1, auth.Item2, auth.Item3, auth.Item4, ifMatch, ifNoneMatch, content));

    /// <summary>The request as sent by <paramref name="caller"/>, whose stored state is <paramref name="current"/>.</summary>
    public HttpRequestMessage ToMessage(long caller, string token, UserSnapshot current, long otherUser)
    {
        ArgumentNullException.ThrowIfNull(current);
        var id = Target switch
        {
            Target.Own => caller.ToString(CultureInfo.InvariantCulture),
            Target.OwnPadded => "00" + caller.ToString(CultureInfo.InvariantCulture),
            Target.Me => "me",
            Target.Other => otherUser.ToString(CultureInfo.InvariantCulture),
            _ => RawId,
        };
        var content = new ByteArrayContent(Body.Content);
        if (Body.ContentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", Body.ContentType);
        }

        var message = new HttpRequestMessage(new HttpMethod(Method), new Uri("/api/v2/user/" + id + (TrailingSlash ? "/" : string.Empty), UriKind.Relative))
        {
            Content = content,
        };

        if (Credentials != Credentials.None)
        {
            message.Headers.TryAddWithoutValidation("Authorization", Credentials == Credentials.Valid ? Scheme + " " + token : Forge(caller, token));
        }

        var tag = string.Create(CultureInfo.InvariantCulture, $"\"{caller}-{current.Version}\"");
        var ifMatch = IfMatch switch
        {
            Precondition.Any => "*",
            Precondition.Current => tag,
            Precondition.Stale => string.Create(CultureInfo.InvariantCulture, $"\"{caller}-{current.Version + 1000}\""),
            Precondition.WeakCurrent => "W/" + tag,
            Precondition.Garbage => GarbageTags[Position % GarbageTags.Length],
            _ => null,
        };
        if (ifMatch is not null)
        {
            message.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (IfNoneMatch is not null)
        {
            message.Headers.TryAddWithoutValidation("If-None-Match", IfNoneMatch);
        }

        return message;
    }

    /// <summary>
    /// A header that must be refused: the caller's token with its signed text or its signature changed, a token
    /// signed wrongly or for nobody, or a header in no accepted shape. Every change is to text the signature covers
    /// (or makes the signature the wrong length), so none can still be valid.
    /// </summary>
    private string Forge(long caller, string token)
    {
        var signed = token.LastIndexOf('.');
        var claims = Jwt.AccessClaims(caller);
        switch (Forgery)
        {
            case 0:
                var at = Position % signed;
                var replaced = token[at] == '.' ? at + 1 : at;
                return "Bearer " + token[..replaced] + (token[replaced] == 'A' ? 'B' : 'A') + token[(replaced + 1)..];
            case 1:
                return "Bearer " + token[..(Position % token.Length)];
            case 2:
                return "Bearer " + token + "A";
            case 3:
                return "Bearer " + Jwt.AlgNone(claims);
            case 4:
                claims["iat"] = Jwt.Now - 7200;
                claims["exp"] = Jwt.Now - 3600;
                return "Bearer " + Jwt.Hs256(claims);
            case 5:
                return "Bearer " + Jwt.Hs256(claims, TestApp.SigningKey + "-other");
            case 6:
                return "Bearer " + Jwt.Hs256(Jwt.AccessClaims(long.MaxValue));
            case 7:
                return "Basic " + token;
            case 8:
                return "Bearer " + token + " " + token;
            case 9:
                return "Bearer é" + token;
            case 10:
                return "Bearer " + Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(token[..signed] + ".\u00ff"));
            default:
                return "Bearer";
        }
    }

    /// <summary>A readable line for a failure report: the body as text with control characters escaped, cut at 2 000 characters.</summary>
    public override string ToString()
    {
        var body = Encoding.UTF8.GetString(Body.Content);
        var shown = new StringBuilder();
        foreach (var c in body.Length > 2000 ? body[..2000] : body)
        {
            if (char.IsControl(c) || char.IsSurrogate(c))
            {
                shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                shown.Append(c);
            }
        }

        return $"{Method} {Target}{(Target == Target.NoUser ? " " + RawId : string.Empty)}{(TrailingSlash ? "/" : string.Empty)} " +
               $"auth={Credentials}{(Credentials == Credentials.Forged ? $"#{Forgery}@{Position}" : Credentials == Credentials.Valid ? $"({Scheme})" : string.Empty)} " +
               $"If-Match={IfMatch} If-None-Match={IfNoneMatch ?? "-"} Content-Type={Body.ContentType ?? "-"} " +
               $"body[{Body.Content.Length}]={shown}";
    }
}
