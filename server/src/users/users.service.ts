import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { CredentialsService } from '../auth/credentials.service';
import { PasswordHasher } from '../auth/password';
import { isLastAdminViolation, isUniqueViolation } from '../common/database-errors';
import { ApiException } from '../common/errors/api.exception';
import { PaginationQueryDto } from '../common/pagination.dto';
import { CreateUserDto, UpdateUserDto, UserDto, UserPageDto } from './dto/user.dto';
import { User } from './user.entity';

function toDto(user: User): UserDto {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    disabled: user.disabled,
    last_login_at: user.last_login_at,
    created_at: user.created_at,
    updated_at: user.updated_at,
  };
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly credentials: CredentialsService,
    private readonly hasher: PasswordHasher,
  ) {}

  async list(page: PaginationQueryDto): Promise<UserPageDto> {
    const [users, total] = await this.users.findAndCount({
      order: { username: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items: users.map(toDto), total, limit: page.limit, offset: page.offset };
  }

  async create(input: CreateUserDto): Promise<UserDto> {
    const passwordHash = await this.hasher.hash(input.password);
    try {
      const user = await this.users.save(
        this.users.create({
          username: input.username,
          password_hash: passwordHash,
          role: input.role,
          disabled: false,
          last_login_at: null,
        }),
      );
      return toDto(user);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw ApiException.conflict(`User ${input.username} already exists`, { username: input.username });
      }
      throw error;
    }
  }

  async update(id: string, input: UpdateUserDto): Promise<UserDto> {
    const passwordHash = input.password === undefined ? undefined : await this.hasher.hash(input.password);
    const changes: Partial<User> = {};
    if (passwordHash !== undefined) changes.password_hash = passwordHash;
    if (input.role !== undefined) changes.role = input.role;
    if (input.disabled !== undefined) changes.disabled = input.disabled;
    // One statement: the database itself refuses to take away the last enabled admin (a trigger), so two
    // admins demoting each other at the same moment cannot leave nobody in charge.
    if (Object.keys(changes).length > 0) await this.keepingAnAdmin(this.users.update({ id }, changes));
    const user = await this.users.findOne({ where: { id } });
    if (!user) throw ApiException.notFound('User', id);
    this.credentials.forgetUser(id);
    return toDto(user);
  }

  async remove(id: string): Promise<void> {
    const result = await this.keepingAnAdmin(this.users.delete({ id }));
    if (!result.affected) throw ApiException.notFound('User', id);
    this.credentials.forgetUser(id);
  }

  private async keepingAnAdmin<T>(change: Promise<T>): Promise<T> {
    try {
      return await change;
    } catch (error) {
      if (isLastAdminViolation(error)) {
        throw ApiException.conflict('The last enabled admin cannot be disabled, demoted or deleted', null);
      }
      throw error;
    }
  }
}
