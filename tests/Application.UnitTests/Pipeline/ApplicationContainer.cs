using CleanUser.Application.Audit;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Security;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Domain.Users;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
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
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddApplication();
        services.AddScoped(_ => Users);
        services.AddScoped(_ => Uniqueness);
        services.AddScoped(_ => UnitOfWork);
        services.AddSingleton(Clock);
        services.AddSingleton(MediaUrls);
        services.AddSingleton(ReservedUsernames.Default);
        services.AddSingleton(UsernamePolicy.Default);
        services.AddSingleton(Substitute.For<IImageProcessor>());
        services.AddSingleton(Substitute.For<IMediaStorage>());
        services.AddSingleton(Substitute.For<IAuditTrail>());
        services.AddSingleton(Substitute.For<IUserReader>());
        configure?.Invoke(services);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public IUserRepository Users { get; } = Substitute.For<IUserRepository>();

    public IUsernameUniquenessChecker Uniqueness { get; } = Substitute.For<IUsernameUniquenessChecker>();

    public IUnitOfWork UnitOfWork { get; } = TestDoubles.UnitOfWork();

    public IClock Clock { get; } = TestDoubles.Clock();

    public IMediaUrls MediaUrls { get; } = TestDoubles.MediaUrls();

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
        public IMediator Mediator => scope.ServiceProvider.GetRequiredService<IMediator>();

        public void Dispose() => scope.Dispose();
    }
}
