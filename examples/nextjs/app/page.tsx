import { CRMSync } from '../components/crm/CRMSync';

export default function Home() {
  return (
    <main>
      <header>
        <h1>Kommo CRM sync</h1>
        <p>
          Chats become leads in Kommo; stage changes come back through webhooks. Built on{' '}
          <code>kommo-sdk</code>: the token stays on the server.
        </p>
      </header>
      <CRMSync />
    </main>
  );
}
