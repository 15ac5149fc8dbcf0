import { Routes } from '@angular/router';

import { adminGuard, signedInGuard } from './auth/auth.guards';

// Every screen is its own lazy chunk, so the first load carries only the login, the shell and the dashboard.
export const APP_ROUTES: Routes = [
  {
    path: 'login',
    title: 'Sign in · pacman-sync',
    loadComponent: () => import('./auth/login.component').then((m) => m.LoginComponent),
  },
  {
    path: '',
    canActivate: [signedInGuard],
    loadComponent: () => import('./shell/shell.component').then((m) => m.ShellComponent),
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'dashboard' },
      {
        path: 'dashboard',
        title: 'Dashboard · pacman-sync',
        loadComponent: () => import('./dashboard/dashboard.component').then((m) => m.DashboardComponent),
      },
      {
        path: 'pools',
        title: 'Pools · pacman-sync',
        loadComponent: () => import('./pools/pool-list.component').then((m) => m.PoolListComponent),
      },
      {
        path: 'pools/:id',
        title: 'Pool · pacman-sync',
        loadComponent: () => import('./pools/pool-detail.component').then((m) => m.PoolDetailComponent),
      },
      {
        path: 'endpoints',
        title: 'Endpoints · pacman-sync',
        loadComponent: () =>
          import('./endpoints/endpoint-list.component').then((m) => m.EndpointListComponent),
      },
      {
        path: 'endpoints/:id',
        title: 'Endpoint · pacman-sync',
        loadComponent: () =>
          import('./endpoints/endpoint-detail.component').then((m) => m.EndpointDetailComponent),
      },
      {
        path: 'repositories',
        title: 'Repository analysis · pacman-sync',
        loadComponent: () =>
          import('./repositories/repository-analysis.component').then((m) => m.RepositoryAnalysisComponent),
      },
      {
        path: 'operations',
        title: 'Operations · pacman-sync',
        loadComponent: () =>
          import('./operations/operation-log.component').then((m) => m.OperationLogComponent),
      },
      {
        path: 'audit',
        title: 'Audit log · pacman-sync',
        canActivate: [adminGuard],
        loadComponent: () => import('./audit/audit-log.component').then((m) => m.AuditLogComponent),
      },
      {
        path: 'tokens',
        title: 'API tokens · pacman-sync',
        canActivate: [adminGuard],
        loadComponent: () => import('./admin/token-list.component').then((m) => m.TokenListComponent),
      },
      {
        path: 'users',
        title: 'Users · pacman-sync',
        canActivate: [adminGuard],
        loadComponent: () => import('./admin/user-list.component').then((m) => m.UserListComponent),
      },
    ],
  },
  { path: '**', redirectTo: '' },
];
