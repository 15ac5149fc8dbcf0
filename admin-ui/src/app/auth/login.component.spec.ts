import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';

import { provideApi } from '../api/api-client';
import { LoginComponent, safeReturnUrl } from './login.component';
import { SessionStore } from './session.store';

describe('safeReturnUrl', () => {
  it.each([
    [undefined, '/dashboard'],
    ['/pools/abc?x=1', '/pools/abc?x=1'],
    ['https://evil.example/', '/dashboard'],
    ['//evil.example/', '/dashboard'],
    ['javascript:alert(1)', '/dashboard'],
    ['/login?returnUrl=/login', '/dashboard'],
  ])('%s -> %s', (input, expected) => {
    expect(safeReturnUrl(input)).toBe(expected);
  });
});

describe('LoginComponent', () => {
  let http: HttpTestingController;

  async function render(): Promise<{
    element: HTMLElement;
    fill: (user: string, password: string) => Promise<void>;
  }> {
    const fixture = TestBed.createComponent(LoginComponent);
    fixture.componentRef.setInput('returnUrl', '/pools');
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;
    const fill = async (user: string, password: string) => {
      for (const [id, value] of [
        ['username', user],
        ['password', password],
      ]) {
        const input = element.querySelector<HTMLInputElement>(`#${id}`)!;
        input.value = value;
        input.dispatchEvent(new Event('input'));
      }
      element.querySelector('form')!.dispatchEvent(new Event('submit'));
      await fixture.whenStable();
    };
    return { element, fill };
  }

  beforeEach(() => {
    sessionStorage.clear();
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideApi(''), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
  });

  it('asks for both fields before calling the server', async () => {
    const { element, fill } = await render();
    await fill('admin', '');
    expect(element.querySelector('[role=alert]')?.textContent).toContain('Enter a username and a password');
    http.expectNone('/api/auth/login');
  });

  it("shows the server's message for wrong credentials and keeps the user on the form", async () => {
    const { element, fill } = await render();
    await fill('admin', 'wrong-password');
    http.expectOne('/api/auth/login').flush(
      {
        error: {
          code: 'UNAUTHENTICATED',
          message: 'Wrong username or password',
          details: null,
          timestamp: 't',
        },
      },
      { status: 401, statusText: 'Unauthorized' },
    );
    await new Promise((resolve) => setTimeout(resolve));
    TestBed.tick();
    expect(element.querySelector('[role=alert]')?.textContent).toContain('Wrong username or password');
    expect(TestBed.inject(SessionStore).signedIn()).toBe(false);
  });

  it('starts the session and goes to the page that was asked for', async () => {
    const navigate = jest.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    const { fill } = await render();
    await fill('admin', 'correct-password');
    const request = http.expectOne('/api/auth/login');
    expect(request.request.body).toEqual({ username: 'admin', password: 'correct-password' });
    request.flush({ access_token: 'jwt', expires_in: 60, role: 'admin' });
    await new Promise((resolve) => setTimeout(resolve));
    const session = TestBed.inject(SessionStore);
    expect([session.token(), session.role(), session.username(), session.canMutate()]).toEqual([
      'jwt',
      'admin',
      'admin',
      true,
    ]);
    expect(navigate).toHaveBeenCalledWith('/pools');
  });
});
