using System.Net.Sockets;
using System.Text;
using CleanUser.Tests.Support;
using Microsoft.Extensions.Logging;

namespace CleanUser.FunctionalTests.HttpStandards;

/// <summary>
/// A chunked body the client broke is the client's mistake, for every content type (docs/security.md#request-bodies):
/// a chunk size that overflows, or a chunk longer than its size, is 400 <c>parse_error</c>; a connection that ends
/// inside the body gets no 5xx. Nothing changes and nothing is logged as an error. Only a real socket parses chunked
/// framing, so these requests are raw bytes on a TCP connection.
/// </summary>
public sealed class BrokenChunkedBodyTests(RealSocketApp fixture) : IClassFixture<RealSocketApp>
{
    private const string OverflowingSize = "overflowing chunk size";
    private const string LongChunk = "chunk longer than its size";
    private const string ClosedInside = "connection closed inside the body";

    private readonly TestApp _app = fixture.App;

    public static TheoryData<string, string, string> Bodies()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (contentType, start) in new[]
        {
            ("application/json", """{"bio": "x"""),
            ("application/merge-patch+json", """{"bio": "x"""),
            ("application/json-patch+json", """[{"op": "replace", "path": "/bio", "value": "x"""),
            ("application/x-www-form-urlencoded", "bio=x"),
            ("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"bio\"\r\n\r\nx"),
        })
        {
            data.Add(contentType, start, OverflowingSize);
            data.Add(contentType, start, LongChunk);
            data.Add(contentType, start, ClosedInside);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A_broken_chunked_body_is_a_client_error_that_changes_nothing_and_logs_no_error(string contentType, string start,
        string breakage)
    {
        var id = await _app.CreateUserAsync();
        var before = await _app.ReadUserAsync(id);
        var seen = _app.Log.Lines.Count;
        var first = Encoding.UTF8.GetBytes(start);

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_app.Address.Host, _app.Address.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"PATCH {Api.UserPath(id)} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {_app.TokenFor(id)}\r\n" +
            $"Content-Type: {contentType}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{first.Length:X}\r\n"));
        await stream.WriteAsync(first);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(breakage switch
        {
            OverflowingSize => "\r\nFFFFFFFFFFFFFFFFFFFF\r\nx\r\n0\r\n\r\n",
            LongChunk => "\r\n2\r\nthis is longer than two bytes\r\n0\r\n\r\n",
            _ => "\r\n10\r\nonly a few",
        }));
        if (breakage == ClosedInside)
        {
            tcp.Client.Shutdown(SocketShutdown.Send);
        }

        var response = await ReceiveAsync(stream);

        if (breakage == ClosedInside)
        {
            // The client has gone: there is nobody to answer, but whatever is sent is not a server error.
            Assert.DoesNotContain("HTTP/1.1 5", response, StringComparison.Ordinal);
        }
        else
        {
            Assert.StartsWith("HTTP/1.1 400 ", response, StringComparison.Ordinal);
            Assert.Contains("Content-Type: application/problem+json", response, StringComparison.Ordinal);
            Assert.Contains("\"code\":\"parse_error\"", response, StringComparison.Ordinal);
        }

        Assert.Equal(before, await _app.ReadUserAsync(id));
        Assert.DoesNotContain(_app.Log.Lines.Skip(seen), l => l.Level >= LogLevel.Error);
    }

    /// <summary>What the server sent until it closed the connection (it may reset one whose client went away).</summary>
    private static async Task<string> ReceiveAsync(NetworkStream stream)
    {
        using var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received);
        }
        catch (IOException)
        {
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }
}
