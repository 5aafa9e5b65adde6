using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Security;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Domain.Users;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NSubstitute;

namespace CleanUser.Application.UnitTests.Pipeline;

/// <summary>
/// The real <c>AddApplication()</c> registrations over NSubstitute ports: the mediator, behaviors,
/// validators and mapper are the production ones; only the infrastructure is faked.
/// </summary>
internal sealed class ApplicationContainer : IDisposable
{
    private readonly ServiceProvider _provider;

    public ApplicationContainer(Action<IServiceCollection>? configure = null)
    {
        Users.GetByIdAsync(TestDoubles.AliceId, Arg.Any<CancellationToken>()).Returns(_ => Task.FromResult<User?>(Alice));

        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(Logs));
        services.AddApplication();
        services.AddScoped(_ => Users);
        services.AddScoped(_ => Uniqueness);
        services.AddScoped(_ => UnitOfWork);
        services.AddSingleton(Clock);
        services.AddSingleton(MediaUrls);
        services.AddSingleton(ReservedUsernames.Default);
        services.AddSingleton(Substitute.For<IImageProcessor>());
        services.AddSingleton(Substitute.For<IMediaStorage>());
        configure?.Invoke(services);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public User Alice { get; } = TestDoubles.Alice();

    public IUserRepository Users { get; } = Substitute.For<IUserRepository>();

    public IUsernameUniquenessChecker Uniqueness { get; } = Substitute.For<IUsernameUniquenessChecker>();

    public IUnitOfWork UnitOfWork { get; } = TestDoubles.UnitOfWork();

    public IClock Clock { get; } = TestDoubles.Clock();

    public IMediaUrls MediaUrls { get; } = TestDoubles.MediaUrls();

    public RecordingLoggerProvider Logs { get; } = new();

    public IServiceProvider Root => _provider;

    /// <summary>Opens a scope acting as <paramref name="caller"/> (as the HTTP pipeline does after authentication).</summary>
    public Scope As(Caller caller)
    {
        var scope = _provider.CreateScope();
        scope.ServiceProvider.GetRequiredService<CurrentCaller>().ActAs(caller);
        return new Scope(scope);
    }

    public void Dispose() => _provider.Dispose();

    internal sealed class Scope(IServiceScope scope) : IDisposable
    {
        public IServiceProvider Services => scope.ServiceProvider;

        public IMediator Mediator => scope.ServiceProvider.GetRequiredService<IMediator>();

        public void Dispose() => scope.Dispose();
    }
}

/// <summary>Collects every log line of the container, with its category.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    public List<(string Category, LogLevel Level, string Message)> Entries { get; } = [];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            lock (provider.Entries)
            {
                provider.Entries.Add((category, logLevel, formatter(state, exception)));
            }
        }
    }
}
