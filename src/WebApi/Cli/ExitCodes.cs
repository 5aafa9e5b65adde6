namespace CleanUser.WebApi.Cli;

/// <summary>What an operator verb's exit code means (docs/operations.md#exit-codes).</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The service refused the command; the problem body (docs/api.md#errors) is on standard error.</summary>
    public const int Refused = 1;

    /// <summary>The command line is wrong; standard error names the argument.</summary>
    public const int Usage = 2;

    /// <summary>The database could not be prepared or used (503 <c>service_unavailable</c>); nothing changed.</summary>
    public const int Unavailable = 3;
}
