using System.Globalization;
using CleanUser.WebApi.Cli;

namespace CleanUser.Tests.Support;

/// <summary>Runs an operator verb in the process of a <see cref="TestApp"/>, as <c>Program</c> would (docs/operations.md#verbs).</summary>
public static class OperatorVerbs
{
    public static async Task<(int ExitCode, string Output, string Error)> RunVerbAsync(this TestApp app, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(app);
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await OperatorCommands.RunAsync(app.Services, args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
