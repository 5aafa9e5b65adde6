namespace CleanUser.Tests.Support;

/// <summary>Waits for something the service does in the background, polling, with a generous bound.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 15)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Gave up waiting: {what}");
            }

            await Task.Delay(25);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string what, int timeoutSeconds = 15) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeoutSeconds);
}
