using CleanUser.Application;
using CleanUser.Infrastructure;
using CleanUser.Infrastructure.Persistence;
using CleanUser.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Modules;

/// <summary>
/// The Application and Infrastructure layers in a plain container, without WebApi or HTTP — the way another
/// module inside the process would use them (SPEC §3) — on a fresh database (<see cref="TestDatabase"/>).
/// </summary>
public sealed class ModuleHost : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "cleanuser-module-" + Guid.NewGuid().ToString("N"));
    private ServiceProvider? _services;
    private TestDatabase? _database;

    public IServiceProvider Services => _services ?? throw new InvalidOperationException("Not initialised.");

    public string DatabasePath => Path.Combine(_folder, "cleanuser.db");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _database = TestDatabase.Create(DatabasePath);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(_database.Settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Media:Root"] = Path.Combine(_folder, "media") })
            .Build();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddApplication();
        services.AddInfrastructure(configuration, _folder);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });

        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        _database?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
