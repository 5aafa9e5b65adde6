using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.HttpStandards;

/// <summary>One <see cref="TestApp"/> on a real Kestrel socket, shared by the tests of a class.</summary>
public sealed class RealSocketApp : IDisposable
{
    public TestApp App { get; } = TestApp.With(new TestAppOptions { RealSocket = true });

    public void Dispose() => App.Dispose();
}
