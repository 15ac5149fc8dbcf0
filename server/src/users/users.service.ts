import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';

import { CredentialsService } from '../auth/credentials.service';
import { hashPassword } from '../auth/password';
import { isUniqueViolation } from '../common/database-errors';
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
    private readonly dataSource: DataSource,
    private readonly credentials: CredentialsService,
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
    const passwordHash = await hashPassword(input.password);
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
    const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
    // In one transaction so two admins demoting each other at once cannot leave nobody in charge.
    const user = await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(User);
      const current = await repository.findOne({ where: { id } });
      if (!current) throw ApiException.notFound('User', id);
      const losesAdmin =
        current.role === 'admin' &&
        !current.disabled &&
        ((input.role !== undefined && input.role !== 'admin') || input.disabled === true);
      if (losesAdmin) await this.requireAnotherAdmin(repository, id);
      const changes: Partial<User> = {};
      if (passwordHash !== undefined) changes.password_hash = passwordHash;
      if (input.role !== undefined) changes.role = input.role;
      if (input.disabled !== undefined) changes.disabled = input.disabled;
      if (Object.keys(changes).length > 0) await repository.update({ id }, changes);
      return (await repository.findOne({ where: { id } }))!;
    });
    this.credentials.forgetUser(id);
    return toDto(user);
  }

  async remove(id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(User);
      const current = await repository.findOne({ where: { id } });
      if (!current) throw ApiException.notFound('User', id);
      if (current.role === 'admin' && !current.disabled) await this.requireAnotherAdmin(repository, id);
      await repository.delete({ id });
    });
    this.credentials.forgetUser(id);
  }

  private async requireAnotherAdmin(repository: Repository<User>, exceptId: string): Promise<void> {
    const admins = await repository.find({ where: { role: 'admin', disabled: false }, select: { id: true } });
    if (!admins.some((admin) => admin.id !== exceptId)) {
      throw ApiException.conflict('The last enabled admin cannot be disabled, demoted or deleted', null);
    }
  }
}
